"""JPEGs that Pillow encodes from photos and MNIST digits, for the byte windows' data set."""

import io
from pathlib import Path

from netlib.datasets.byte_files import ByteFile


# Sizes and JPEG qualities of the files encoded for the default data set: low
# qualities quantise harder and change the entropy-coded bytes the most.
PHOTO_VARIANTS = [(scale, quality) for scale in (0.5, 1.0) for quality in (40, 80)]
DIGIT_VARIANTS = [(tiles, scale, quality) for tiles in (4, 8) for scale in (1, 2, 3)
                  for quality in (30, 60, 90)]


def encode_jpegs(photos, digits):
    """JPEG files encoded by Pillow, as ByteFiles named ``encoded/...``.

    *photos* (ByteFiles of real JPEGs) are re-encoded at each ``PHOTO_VARIANTS``
    size and quality, named ``STEM-x<scale>-q<quality>.jpg`` so that
    :func:`source_group` puts them with their photo; *digits*, (N, 28, 28)
    uint8 MNIST images, are tiled into square sheets of distinct digits, one
    sheet (and so one source group) per ``DIGIT_VARIANTS`` entry.
    """
    from PIL import Image  # Pillow comes with matplotlib

    encoded = []
    for photo in photos:
        image = Image.open(io.BytesIO(photo.data)).convert('RGB')
        for scale, quality in PHOTO_VARIANTS:
            size = (round(image.width * scale), round(image.height * scale))
            name = f'{Path(photo.name).stem}-x{scale:g}-q{quality}.jpg'
            encoded.append(_encode(image.resize(size, Image.BILINEAR), quality, name))
    first = 0
    for tiles, scale, quality in DIGIT_VARIANTS:
        sheet = Image.fromarray(_tile(digits[first:first + tiles * tiles], tiles))
        size = (sheet.width * scale, sheet.height * scale)
        name = f'mnist-{first:04d}-{first + tiles * tiles - 1:04d}-x{scale}-q{quality}.jpg'
        encoded.append(_encode(sheet.resize(size, Image.BILINEAR), quality, name))
        first += tiles * tiles
    return encoded


def digits_needed():
    """How many MNIST digits :func:`encode_jpegs` tiles (each is used once)."""
    return sum(tiles * tiles for tiles, _, _ in DIGIT_VARIANTS)


def _tile(images, tiles):
    """(tiles*tiles, 28, 28) -> one (28*tiles, 28*tiles) sheet, row by row."""
    height, width = images.shape[1:]
    return images.reshape(tiles, tiles, height, width).swapaxes(1, 2).reshape(
        tiles * height, tiles * width)


def _encode(image, quality, name):
    buffer = io.BytesIO()
    image.save(buffer, format='JPEG', quality=quality)
    return ByteFile(f'encoded/{name}', buffer.getvalue())
