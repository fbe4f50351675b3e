"""The NĐ 30 layout checker behind `congvan lint`."""
