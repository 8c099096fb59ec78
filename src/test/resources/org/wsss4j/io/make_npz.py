# Generates the numpy-written archives NpzFilesTest reads (run with Debian's python3):
#   /usr/bin/python3 make_npz.py
import io
import zipfile

import numpy as np

arrays = dict(
    f32=np.arange(6, dtype=np.float32).reshape(2, 3) / 4,   # [[0, .25, .5], [.75, 1, 1.25]]
    f64=np.array([-1.5, 2.0 ** -30, 1e300]),
    i32=np.array([[-7], [2147483647]], dtype=np.int32),
    i64=np.array([-(2 ** 40), 3], dtype=np.int64),
    u8=np.array([0, 1, 128, 255], dtype=np.uint8),
    flag=np.array([True, False, True]),
    scalar=np.float32(3.5),                                # 0-d
    t3=np.arange(24, dtype=np.float32).reshape(2, 3, 4),   # C order check: t3[1,2,3] = 23
)
np.savez("numpy_stored.npz", **arrays)
np.savez_compressed("numpy_compressed.npz", **arrays)
np.savez("numpy_fortran.npz", f=np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))

# One array with a version 2.0 header (numpy writes 2.0 only for huge headers; force it).
buf = io.BytesIO()
np.lib.format.write_array(buf, np.array([1.0, 2.0], dtype=np.float32), version=(2, 0))
with zipfile.ZipFile("numpy_v2.npz", "w") as z:
    z.writestr("v.npy", buf.getvalue())
