"""congvan: Vietnamese official dispatches (công văn) in batch, to the NĐ 30/2020 standard."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("congvan")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+local"

__all__ = ["__version__"]
