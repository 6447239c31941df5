"""Chromium's fake camera fed a Y4M video of real QR codes (../shared/RECIPES.md)."""

import qrcode
from PIL import Image

WIDTH, HEIGHT, FPS = 480, 360, 4


def _frame(text: str | None) -> bytes:
    canvas = Image.new("L", (WIDTH, HEIGHT), 255)
    if text:
        code = qrcode.QRCode(box_size=8, border=4)
        code.add_data(text)
        code.make(fit=True)
        image = code.make_image(fill_color="black", back_color="white").convert("L")
        canvas.paste(image, ((WIDTH - image.width) // 2, (HEIGHT - image.height) // 2))
    chroma = bytes([128]) * (WIDTH * HEIGHT // 2)  # 4:2:0, no colour
    return canvas.tobytes() + chroma


def qr_video(path, codes, seconds_each=1.0, blank_after=0.0) -> str:
    """Each code shown ``seconds_each``, then white for ``blank_after`` seconds (the file loops:
    a long blank keeps a code from coming round again during a test)."""
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        frames = [(c, round(seconds_each * FPS)) for c in codes] + [
            (None, round(blank_after * FPS))
        ]
        for text, count in frames:
            frame = _frame(text)
            for _ in range(count):
                out.write(b"FRAME\n" + frame)
    return str(path)
