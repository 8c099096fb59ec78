package org.wsss4j.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One array in numpy's {@code .npy} format (the format numpy documents in
 * {@code numpy.lib.format}): the magic {@code \x93NUMPY}, a version, a little-endian header
 * length (2 bytes in version 1.0, 4 bytes in 2.0/3.0), an ASCII Python dict with
 * {@code descr}, {@code fortran_order} and {@code shape}, padded so the data starts on a
 * 64-byte boundary, then the raw data. Only little-endian C-order data of the types wsss4j
 * exchanges is supported; anything else is refused with a message saying what was found.
 */
final class NpyFormat {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyFormat() {}

    /** Thrown for a malformed or unsupported array; the caller adds the file and entry names. */
    static final class FormatException extends Exception {
        FormatException(String message) {
            super(message);
        }
    }

    static String descrOf(DataType type) {
        return switch (type) {
            case FLOAT -> "<f4";
            case DOUBLE -> "<f8";
            case INT -> "<i4";
            case LONG -> "<i8";
            case UBYTE -> "|u1";
            case BOOL -> "|b1";
            default -> throw new IllegalArgumentException("cannot write " + type
                    + " arrays to .npy; cast to FLOAT, DOUBLE, INT, LONG, UINT8 or BOOL first");
        };
    }

    static byte[] encode(INDArray array) {
        DataType type = array.dataType();
        String descr = descrOf(type);
        long[] shape = array.shape();
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String shapeText = shape.length == 1 ? dims.toString().trim()
                : dims.length() == 0 ? "" : dims.substring(0, dims.length() - 2);
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + shapeText + "), }";
        // Version 1.0 when the header fits in 65535 bytes (always, for the ranks used here).
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        int elementSize = type == DataType.UBYTE || type == DataType.BOOL ? 1 : type.width();
        long count = array.length();
        if (count * elementSize > Integer.MAX_VALUE - 1024) {
            throw new IllegalArgumentException("array too large for one .npy entry: " + Arrays.toString(shape));
        }
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + (int) (count * elementSize))
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.US_ASCII));
        INDArray c = array.dup('c');
        switch (type) {
            case FLOAT -> {
                for (float v : c.data().asFloat()) out.putFloat(v);
            }
            case DOUBLE -> {
                for (double v : c.data().asDouble()) out.putDouble(v);
            }
            case INT -> {
                for (int v : c.data().asInt()) out.putInt(v);
            }
            case LONG -> {
                for (long v : c.data().asLong()) out.putLong(v);
            }
            default -> { // UINT8, BOOL: one byte per element, values 0..255 / 0..1
                for (int v : c.castTo(DataType.INT).data().asInt()) out.put((byte) v);
            }
        }
        if (out.position() != out.capacity()) {
            throw new IllegalStateException("npy encoding wrote " + out.position() + " of " + out.capacity() + " bytes");
        }
        return out.array();
    }

    static INDArray decode(byte[] bytes) throws FormatException {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new FormatException("not a .npy array (no \\x93NUMPY magic)");
        }
        int major = bytes[6] & 0xff;
        in.position(8);
        long headerLength;
        if (major == 1) {
            headerLength = in.getShort() & 0xffff;
        } else if (major == 2 || major == 3) {
            headerLength = in.getInt() & 0xffffffffL;
        } else {
            throw new FormatException("unsupported .npy version " + major + "." + (bytes[7] & 0xff));
        }
        if (in.position() + headerLength > bytes.length) {
            throw new FormatException("truncated .npy header");
        }
        String header = new String(bytes, in.position(), (int) headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        in.position(in.position() + (int) headerLength);
        String descr = find(DESCR, header, "descr");
        if ("True".equals(find(FORTRAN, header, "fortran_order"))) {
            throw new FormatException("array is in Fortran order; save it with "
                    + "numpy.ascontiguousarray(a) (C order) first");
        }
        long[] shape = parseShape(find(SHAPE, header, "shape"));
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        DataType type = typeOf(descr);
        int elementSize = type == DataType.UBYTE || type == DataType.BOOL ? 1 : type.width();
        if (in.remaining() != count * elementSize) {
            throw new FormatException("data has " + in.remaining() + " bytes but shape " + Arrays.toString(shape)
                    + " of " + descr + " needs " + count * elementSize + " (truncated or corrupt)");
        }
        int n = (int) count;
        INDArray flat = switch (type) {
            case FLOAT -> {
                float[] v = new float[n];
                in.asFloatBuffer().get(v);
                yield Nd4j.createFromArray(v);
            }
            case DOUBLE -> {
                double[] v = new double[n];
                in.asDoubleBuffer().get(v);
                yield Nd4j.createFromArray(v);
            }
            case INT -> {
                int[] v = new int[n];
                in.asIntBuffer().get(v);
                yield Nd4j.createFromArray(v);
            }
            case LONG -> {
                long[] v = new long[n];
                in.asLongBuffer().get(v);
                yield Nd4j.createFromArray(v);
            }
            case BOOL -> {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) v[i] = in.get() != 0;
                yield Nd4j.createFromArray(v);
            }
            default -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) v[i] = in.get() & 0xff;
                yield Nd4j.createFromArray(v).castTo(DataType.UBYTE);
            }
        };
        if (n == 0) {
            return Nd4j.create(type, shape);
        }
        if (shape.length == 0) {
            return flat.reshape(new long[0]);
        }
        return flat.reshape('c', shape);
    }

    private static DataType typeOf(String descr) throws FormatException {
        return switch (descr) {
            case "<f4" -> DataType.FLOAT;
            case "<f8" -> DataType.DOUBLE;
            case "<i4" -> DataType.INT;
            case "<i8" -> DataType.LONG;
            case "|u1", "<u1" -> DataType.UBYTE;
            case "|b1" -> DataType.BOOL;
            default -> throw new FormatException("unsupported dtype '" + descr + "' (supported: little-endian "
                    + "float32, float64, int32, int64, uint8, bool)");
        };
    }

    private static String find(Pattern pattern, String header, String key) throws FormatException {
        Matcher m = pattern.matcher(header);
        if (!m.find()) {
            throw new FormatException("malformed .npy header (no '" + key + "'): " + header.trim());
        }
        return m.group(1);
    }

    private static long[] parseShape(String text) throws FormatException {
        String[] parts = text.split(",");
        long[] dims = new long[parts.length];
        int rank = 0;
        for (String part : parts) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            try {
                dims[rank++] = Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
            } catch (NumberFormatException e) {
                throw new FormatException("malformed .npy shape (" + text + ")");
            }
        }
        return Arrays.copyOf(dims, rank);
    }

    static byte[] readAll(java.io.InputStream in) throws java.io.IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
