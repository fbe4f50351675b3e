"""Vietnamese text: NFC, numbers and dates as written, numbers in words, collation, slugs, TCVN3/VNI.

The public names of the modules below, importable as `from congvan import vn; vn.nfc(...)`.
"""

from congvan.vn.collation import (  # noqa: F401
    sort_key,
)
from congvan.vn.dates import (  # noqa: F401
    DRAFT_DAY_BLANK,
    body_date,
    draft_header_date,
    draft_long_date,
    header_date,
    long_date,
)
from congvan.vn.legacy import (  # noqa: F401
    detect_legacy_encoding,
    detect_legacy_encoding_many,
    is_vietnamese_syllable,
    legacy_font_encoding,
    legacy_font_is_uppercase,
    legacy_to_unicode,
    may_be_legacy,
)
from congvan.vn.numbers import (  # noqa: F401
    AmbiguousNumber,
    document_number,
    format_number,
    format_percent,
    parse_score,
    parse_vietnamese_number,
    roman,
)
from congvan.vn.text import (  # noqa: F401
    capitalize_first,
    drop_invisible,
    fold,
    name_key,
    nfc,
    slugify,
    squash,
    squash_uncached,
    unlookalike,
)
from congvan.vn.words import (  # noqa: F401
    money_words,
    number_to_words,
    ordinal_words,
    percent_words,
)
