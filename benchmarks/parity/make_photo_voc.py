#!/usr/bin/env python3
"""Builds a small VOC-layout folder of real photographs for deeplab_parity.py.

The photographs are scikit-image's sample data as Debian ships them in the package
python3-skimage (bookworm 0.19.3-8, /usr/lib/python3/dist-packages/skimage/data). The package
need not be installed: `apt-get download python3-skimage && dpkg -x python3-skimage_*.deb x`
and pass `--data x/usr/lib/python3/dist-packages/skimage/data`.

Writes OUT/JPEGImages/<id>.jpg and OUT/ImageSets/Segmentation/photos.txt. The sizes cover the
VOC-typical 500 x 375 (landscape and portrait), odd widths, odd heights, both odd, and a square.
PNG sources (and crops) are encoded with OpenCV at JPEG quality 95; rocket.jpg is copied as it is.
"""
import argparse
import os
import shutil

import cv2

# id: (file, (row0, row1, col0, col1) crop or None); id names W x H as VOC lists sizes
PHOTOS = {
    "coffee_500x375": ("coffee.png", (12, 387, 50, 550)),
    "motorcycle_375x500": ("motorcycle_left.png", (0, 500, 183, 558)),
    "chelsea_451x300": ("chelsea.png", None),
    "rocket_640x427": ("rocket.jpg", None),
    "astronaut_333x257": ("astronaut.png", (40, 297, 100, 433)),
    "astronaut_512x512": ("astronaut.png", None),
}
LIST = "photos"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="/usr/lib/python3/dist-packages/skimage/data",
                    help="scikit-image's data folder (default: the installed python3-skimage's)")
    ap.add_argument("--out", required=True, help="VOC root to create")
    args = ap.parse_args()
    jpeg = os.path.join(args.out, "JPEGImages")
    lists = os.path.join(args.out, "ImageSets", "Segmentation")
    os.makedirs(jpeg, exist_ok=True)
    os.makedirs(lists, exist_ok=True)
    for pid, (name, crop) in PHOTOS.items():
        src = os.path.join(args.data, name)
        dst = os.path.join(jpeg, pid + ".jpg")
        if name.endswith(".jpg") and crop is None:
            shutil.copyfile(src, dst)
        else:
            img = cv2.imread(src, cv2.IMREAD_COLOR)
            if img is None:
                raise SystemExit(f"{src}: cannot read; pass --data pointing at skimage/data")
            if crop is not None:
                r0, r1, c0, c1 = crop
                img = img[r0:r1, c0:c1]
            cv2.imwrite(dst, img, [cv2.IMWRITE_JPEG_QUALITY, 95])
        h, w = cv2.imread(dst).shape[:2]
        print(f"{pid}: {w} x {h}")
    with open(os.path.join(lists, LIST + ".txt"), "w") as f:
        f.write("".join(pid + "\n" for pid in PHOTOS))
    print(f"list: {os.path.join(lists, LIST + '.txt')}")


if __name__ == "__main__":
    main()
