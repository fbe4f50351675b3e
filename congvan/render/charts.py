"""Draw the horizontal bar chart of a letter: a unit's criteria against their targets and the table average.

A chart is described by plain data (`BarChart`, stored in the letter's context as a dict) and drawn as a PNG at
print resolution (300 dpi). matplotlib (Agg) draws, once per table and process, everything the units of a table
share — criterion names, axis, the average bars, the target marks, the legend — and the glyphs of the value
labels; that picture is reduced to a 16-colour palette. Each unit's chart then only fills its own bars and writes
its own values ("72,21%") into a copy of the palette image with numpy, and is written as a 4-bit PNG. This keeps a
chart to about a millisecond, so 10,000 letters with charts build within twice the time without (docs/performance.md).
The same data always gives the same bytes.
"""

from __future__ import annotations

import struct
import textwrap
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from congvan.vn import format_percent

DPI = 300
WIDTH_CM = 16.0  # the text width of an A4 page with NĐ30 margins is 16.5 cm
ROW_CM, FRAME_CM = 0.85, 1.9  # height of one criterion, and of the axis and legend around the rows
FONT_FAMILY, FONT_SIZE = "DejaVu Sans", 7.5  # shipped with matplotlib: every Vietnamese glyph, on every machine
X_MAX = 115.0  # room right of a 100% bar for its value label; ticks stop at 100
# Palette (index: colour). Okabe-Ito, as the summary workbook: blue met, orange not met, told apart without colour.
PALETTE = ((255, 255, 255), (0, 0, 0), (64, 64, 64), (128, 128, 128), (192, 192, 192),  # white, black, greys
           (0x00, 0x72, 0xB2), (0xE6, 0x9F, 0x00), (0xBB, 0xBB, 0xBB), (0xDD, 0xDD, 0xDD), (0x56, 0xB4, 0xE9),
           (0xF5, 0xC2, 0x6B), (96, 96, 96), (160, 160, 160), (224, 224, 224), (32, 32, 32), (240, 240, 240))
MET, SHORT, AVERAGE_GREY = 5, 6, 7
INK = (1, 14, 2, 11, 3, 12, 4, 13, 0)  # palette indices of text from full ink to none (9 levels)
LEGEND = ("Đạt, vượt chỉ tiêu", "Chưa đạt chỉ tiêu", "Bình quân các đơn vị", "Chỉ tiêu")
GLYPHS = "0123456789,%"
PALETTE_BAND = 64  # rows mapped to the palette at a time


@dataclass(frozen=True)
class BarChart:
    """What a chart shows: per criterion its name, the unit's score, the target and the table average (%)."""

    labels: tuple[str, ...]
    scores: tuple[float, ...]
    targets: tuple[float, ...]
    averages: tuple[float, ...]  # the grey bars; empty: none
    decimals: int = 2
    grey_label: str = LEGEND[2]  # what the grey bars are, in the legend

    def to_dict(self) -> dict[str, Any]:
        """Return the chart as stored in a letter's context (JSON)."""
        return {"nhan": list(self.labels), "ket_qua": list(self.scores), "chi_tieu": list(self.targets),
                "trung_binh": list(self.averages), "so_thap_phan": self.decimals, "nhan_cot_xam": self.grey_label}

    @classmethod
    def from_dict(cls, data: Any) -> BarChart:
        """Read a chart back from a context; raise `ValueError` when `data` does not describe one."""
        try:
            chart = cls(tuple(str(x) for x in data["nhan"]), tuple(float(x) for x in data["ket_qua"]),
                        tuple(float(x) for x in data["chi_tieu"]), tuple(float(x) for x in data["trung_binh"]),
                        int(data.get("so_thap_phan", 2)), str(data.get("nhan_cot_xam", LEGEND[2])))
        except (TypeError, KeyError, AttributeError, ValueError) as err:
            raise ValueError(f"không phải dữ liệu biểu đồ ({err})") from err
        if not chart.labels or not len(chart.labels) == len(chart.scores) == len(chart.targets) or (
                chart.averages and len(chart.averages) != len(chart.labels)):
            raise ValueError("dữ liệu biểu đồ thiếu hoặc không cùng số tiêu chí")
        return chart


@dataclass(frozen=True)
class Picture:
    """A PNG and its size on the page in EMU (English Metric Units, 914,400 an inch)."""

    png: bytes
    width_emu: int
    height_emu: int


def draw(chart: BarChart) -> Picture:
    """Return the chart of one unit as a PNG."""
    base = _background(chart.labels, chart.targets, chart.averages, chart.grey_label)
    pieces = [b"\x78\x01"]  # zlib header; the deflate pieces below are byte-aligned (full flush) and concatenate
    checksum = zlib.adler32(b"")
    for band in base.bands:
        if band.raw is not None:  # rows no unit changes: compressed once
            pieces.append(band.packed)
            checksum = zlib.adler32(band.raw, checksum)
            continue
        row = band.row
        pixels = base.pixels[band.start:band.stop].copy()
        top, bottom = base.bar_rows[row][0] - band.start, base.bar_rows[row][1] - band.start
        score = chart.scores[row]
        end = base.x_of(max(0.0, min(score, 100.0)))
        colour = MET if round(score - chart.targets[row], chart.decimals) >= 0 else SHORT
        pixels[top:bottom, base.x_zero:end] = colour
        target = base.x_of(chart.targets[row])
        pixels[top:bottom, target - base.line // 2:target + (base.line + 1) // 2] = 1  # the target mark stays seen
        label_at = max(end, target + base.line) + base.gap  # right of the bar and of the target mark
        _write(pixels, base.glyphs, format_percent(score, chart.decimals, keep_zeros=True), label_at,
               (top + bottom) // 2)
        raw = _raw_rows(pixels)
        pieces.append(_deflate(raw))
        checksum = zlib.adler32(raw, checksum)
    pieces += [_FINAL_BLOCK, struct.pack(">I", checksum)]
    height, width = base.pixels.shape
    emu = 914_400 / DPI
    return Picture(_png(width, height, b"".join(pieces)), round(width * emu), round(height * emu))


# -- what the units of one table share, drawn once per process --


@dataclass(frozen=True)
class _Glyphs:
    masks: dict[str, np.ndarray]  # character -> palette indices (0 where no ink), all of one height
    height: int


@dataclass(frozen=True)
class _Band:
    """Rows of the picture: those around one criterion's bar (`row`), or rows no unit changes (`raw` is set)."""

    start: int
    stop: int
    row: int = -1
    raw: bytes | None = None  # PNG scanlines of a shared band
    packed: bytes = b""  # and their deflate piece


@dataclass(frozen=True)
class _Background:
    pixels: np.ndarray  # palette indices, rows x columns
    bar_rows: tuple[tuple[int, int], ...]  # per criterion: first and last+1 pixel row of the unit's bar
    bands: tuple[_Band, ...]
    x_zero: int
    x_scale: float  # pixels per percentage point
    gap: int
    line: int  # width of a target mark, pixels
    glyphs: _Glyphs

    def x_of(self, value: float) -> int:
        return self.x_zero + round(value * self.x_scale)


@lru_cache(maxsize=16)
def _background(labels: tuple[str, ...], targets: tuple[float, ...], averages: tuple[float, ...],
                grey_label: str) -> _Background:
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # imported when the first chart is drawn:
    from matplotlib.figure import Figure  # a command without charts does not pay for matplotlib
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    font = _font()
    rows = len(labels)
    height_cm = FRAME_CM + ROW_CM * rows
    figure = Figure(figsize=(WIDTH_CM / 2.54, height_cm / 2.54), dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    bottom, top = 1.3 / height_cm, 1 - 0.2 / height_cm
    axes = figure.add_axes((0.34, bottom, 0.64, top - bottom))
    positions = np.arange(rows)[::-1].astype(float)
    if averages:
        axes.barh(positions - 0.2, averages, height=0.34, color=_hex(PALETTE[AVERAGE_GREY]))
    for position, target in zip(positions, targets, strict=True):
        axes.plot([target, target], [position - 0.45, position + 0.45], color="black", linewidth=1.2)
    axes.set_yticks(positions, [textwrap.fill(label, 30) for label in labels], fontproperties=font)
    axes.set_ylim(-0.6, rows - 0.4)
    axes.set_xlim(0, X_MAX)
    ticks = list(range(0, 101, 20))
    axes.set_xticks(ticks, [f"{tick}%" for tick in ticks], fontproperties=font)
    axes.tick_params(length=2, width=0.6)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    handles = [Patch(color=_hex(PALETTE[MET])), Patch(color=_hex(PALETTE[SHORT])),
               Patch(color=_hex(PALETTE[AVERAGE_GREY])), Line2D([], [], color="black", linewidth=1.2)]
    names = [LEGEND[0], LEGEND[1], grey_label, LEGEND[3]]
    if not averages:
        del handles[2], names[2]
    figure.legend(handles, names, loc="lower center", ncols=4, frameon=False, prop=font,
                  bbox_to_anchor=(0.5, 0.0), handlelength=1.4, columnspacing=1.2)
    canvas.draw()
    pixels = _to_palette(np.asarray(canvas.buffer_rgba())[:, :, :3])
    to_pixels = axes.transData.transform
    image_height = pixels.shape[0]
    bar_rows = []
    for position in positions:
        (_, y_top), (_, y_bottom) = to_pixels([(0, position + 0.37), (0, position + 0.03)])
        bar_rows.append((image_height - round(y_top), image_height - round(y_bottom)))
    (x0, _), (x100, _) = to_pixels([(0, 0), (100, 0)])
    glyphs = _glyphs()
    return _Background(pixels, tuple(bar_rows), _bands(pixels, bar_rows, glyphs.height), round(x0) + 1,
                       (x100 - x0) / 100, round(DPI * 0.04), round(1.2 / 72 * DPI), glyphs)


def _bands(pixels: np.ndarray, bar_rows: Sequence[tuple[int, int]], text_height: int) -> tuple[_Band, ...]:
    """Cut the picture into the bands around each bar (bar and value label) and the shared bands between."""
    bands, start = [], 0
    for row, (top, bottom) in enumerate(bar_rows):
        middle = (top + bottom) // 2
        first, last = min(top, middle - text_height // 2), max(bottom, middle - text_height // 2 + text_height)
        if first > start:
            raw = _raw_rows(pixels[start:first])
            bands.append(_Band(start, first, raw=raw, packed=_deflate(raw, 9)))  # once: compress hard
        bands.append(_Band(first, last, row=row))
        start = last
    raw = _raw_rows(pixels[start:])
    bands.append(_Band(start, pixels.shape[0], raw=raw, packed=_deflate(raw, 9)))
    return tuple(bands)


@lru_cache(maxsize=1)
def _glyphs() -> _Glyphs:
    """Draw each character of a value label once and keep its ink as palette indices."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(0.5, 0.3), dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    masks = {}
    for char in GLYPHS:
        figure.clear()
        figure.text(0.1, 0.3, char, fontproperties=_font(), color="black")
        canvas.draw()
        ink = 255 - np.asarray(canvas.buffer_rgba())[:, :, 0].astype(np.int32)
        levels = np.asarray(INK, dtype=np.uint8)[::-1][np.clip(ink * (len(INK) - 1) // 255, 0, len(INK) - 1)]
        masks[char] = levels
    rows = np.flatnonzero(np.any(np.stack([m != 0 for m in masks.values()]).any(axis=0), axis=1))
    cropped = {}
    for char, mask in masks.items():
        mask = mask[rows[0]:rows[-1] + 1]
        columns = np.flatnonzero((mask != 0).any(axis=0))
        cropped[char] = mask[:, columns[0]:columns[-1] + 2]  # one blank column between characters
    return _Glyphs(cropped, int(rows[-1] - rows[0] + 1))


def _write(pixels: np.ndarray, glyphs: _Glyphs, text: str, x: int, middle: int) -> None:
    """Write `text` with its left edge at column `x`, centred on row `middle` (ink over what is there)."""
    top = middle - glyphs.height // 2
    for char in text:
        mask = glyphs.masks[char]
        width = min(mask.shape[1], pixels.shape[1] - x)
        if width <= 0:
            return
        region = pixels[top:top + glyphs.height, x:x + width]
        ink = mask[:, :width]
        region[...] = np.where(ink != 0, ink, region)
        x += width


def _to_palette(rgb: np.ndarray) -> np.ndarray:
    """Map every pixel to the nearest palette colour, a band of rows at a time: the whole picture at once takes
    some 60 MB of temporary arrays (the nearest colour of a pixel does not depend on the band)."""
    indices = np.empty(rgb.shape[:2], dtype=np.uint8)
    for start in range(0, rgb.shape[0], PALETTE_BAND):
        indices[start:start + PALETTE_BAND] = _nearest_colours(rgb[start:start + PALETTE_BAND])
    return indices


def _nearest_colours(rgb: np.ndarray) -> np.ndarray:
    """Map every pixel to the nearest palette colour (each distinct colour once: a few hundred in a chart)."""
    palette = np.asarray(PALETTE, dtype=np.int32)
    packed = (rgb[:, :, 0].astype(np.uint32) << 16) | (rgb[:, :, 1].astype(np.uint32) << 8) | rgb[:, :, 2]
    colours, inverse = np.unique(packed.ravel(), return_inverse=True)
    channels = np.stack([(colours >> 16) & 255, (colours >> 8) & 255, colours & 255], axis=1).astype(np.int32)
    distances = ((channels[:, None, :] - palette[None, :, :]) ** 2).sum(axis=2)
    return distances.argmin(axis=1).astype(np.uint8)[inverse].reshape(rgb.shape[:2])


_FINAL_BLOCK = zlib.compressobj(1, zlib.DEFLATED, -15).flush()  # an empty last deflate block


def _raw_rows(pixels: np.ndarray) -> bytes:
    """Return palette indices (< 16) as PNG scanlines: 4 bits a pixel, filter byte 0 (none) before each row."""
    height, width = pixels.shape
    padded = pixels if width % 2 == 0 else np.pad(pixels, ((0, 0), (0, 1)))
    raw = np.zeros((height, padded.shape[1] // 2 + 1), dtype=np.uint8)
    raw[:, 1:] = (padded[:, 0::2] << 4) | padded[:, 1::2]
    return raw.tobytes()


def _deflate(raw: bytes, level: int = 1) -> bytes:
    """Compress `raw` as a deflate piece that ends byte-aligned with a fresh dictionary (full flush)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(raw) + compressor.flush(zlib.Z_FULL_FLUSH)


def _png(width: int, height: int, image_data: bytes) -> bytes:
    """Return a 4-bit palette PNG with its resolution (pHYs) around the zlib stream of its scanlines."""
    per_metre = round(DPI / 0.0254)
    return b"".join((
        b"\x89PNG\r\n\x1a\n",
        _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 4, 3, 0, 0, 0)),
        _chunk(b"PLTE", bytes(channel for colour in PALETTE for channel in colour)),
        _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        _chunk(b"IDAT", image_data),
        _chunk(b"IEND", b""),
    ))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _font() -> Any:
    from matplotlib.font_manager import FontProperties

    return FontProperties(family=FONT_FAMILY, size=FONT_SIZE)


def _hex(colour: Sequence[int]) -> str:
    return "#" + "".join(f"{channel:02X}" for channel in colour)
