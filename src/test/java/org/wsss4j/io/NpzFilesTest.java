package org.wsss4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.BadInputException;

class NpzFilesTest {
    @TempDir
    Path tmp;

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(NpzFilesTest.class.getResource(name).toURI());
    }

    /** Values written by numpy in make_npz.py (same folder as the resources). */
    private static void assertNumpyArrays(Map<String, INDArray> a) {
        assertEquals(List.of("f32", "f64", "i32", "i64", "u8", "flag", "scalar", "t3"), List.copyOf(a.keySet()));
        INDArray f32 = a.get("f32");
        assertEquals(DataType.FLOAT, f32.dataType());
        assertArrayEquals(new long[] {2, 3}, f32.shape());
        assertEquals(0.25f, f32.getFloat(0, 1));
        assertEquals(1.25f, f32.getFloat(1, 2));
        INDArray f64 = a.get("f64");
        assertEquals(DataType.DOUBLE, f64.dataType());
        assertArrayEquals(new double[] {-1.5, Math.pow(2, -30), 1e300}, f64.toDoubleVector());
        INDArray i32 = a.get("i32");
        assertEquals(DataType.INT, i32.dataType());
        assertArrayEquals(new long[] {2, 1}, i32.shape());
        assertEquals(Integer.MAX_VALUE, i32.getInt(1, 0));
        assertEquals(-7, i32.getInt(0, 0));
        assertEquals(DataType.LONG, a.get("i64").dataType());
        assertArrayEquals(new long[] {-(1L << 40), 3}, a.get("i64").toLongVector());
        assertEquals(DataType.UBYTE, a.get("u8").dataType());
        assertArrayEquals(new int[] {0, 1, 128, 255}, a.get("u8").castTo(DataType.INT).toIntVector());
        assertEquals(DataType.BOOL, a.get("flag").dataType());
        assertArrayEquals(new int[] {1, 0, 1}, a.get("flag").castTo(DataType.INT).toIntVector());
        INDArray scalar = a.get("scalar");
        assertEquals(0, scalar.rank());
        assertEquals(3.5f, scalar.getFloat(0));
        assertEquals(23f, a.get("t3").getFloat(1, 2, 3));
        assertEquals(6f, a.get("t3").getFloat(0, 1, 2)); // C order: 0*12 + 1*4 + 2
    }

    @Test
    void readsStoredArchiveWrittenByNumpy() throws Exception {
        assertNumpyArrays(NpzFiles.read(resource("numpy_stored.npz")));
    }

    @Test
    void readsCompressedArchiveWrittenByNumpy() throws Exception {
        assertNumpyArrays(NpzFiles.read(resource("numpy_compressed.npz")));
    }

    @Test
    void readsVersion2Header() throws Exception {
        INDArray v = NpzFiles.read(resource("numpy_v2.npz")).get("v");
        assertArrayEquals(new float[] {1f, 2f}, v.toFloatVector());
    }

    @Test
    void refusesFortranOrderNamingFileAndFix() throws Exception {
        Path f = resource("numpy_fortran.npz");
        BadInputException e = assertThrows(BadInputException.class, () -> NpzFiles.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("Fortran order"), e.getMessage());
    }

    @Test
    void roundTripKeepsValuesTypesShapesAndOrder() {
        Map<String, INDArray> in = new LinkedHashMap<>();
        in.put("zeta", Nd4j.createFromArray(new float[][] {{1.5f, -2f, 3e-8f}, {4f, 5f, Float.MAX_VALUE}}));
        in.put("alpha", Nd4j.createFromArray(new int[] {-3, 0, 7}));
        in.put("u8", Nd4j.createFromArray(new int[] {0, 200, 255}).castTo(DataType.UBYTE));
        in.put("s", Nd4j.scalar(DataType.FLOAT, 2.25f));
        in.put("d", Nd4j.createFromArray(new double[] {Math.PI}).reshape(1, 1, 1));
        // A non-contiguous view must be written in its logical (C) order.
        in.put("view", Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}}).transpose());
        for (boolean compressed : new boolean[] {false, true}) {
            Path f = tmp.resolve(compressed ? "c.npz" : "s.npz");
            if (compressed) NpzFiles.writeCompressed(f, in); else NpzFiles.write(f, in);
            Map<String, INDArray> out = NpzFiles.read(f);
            assertEquals(List.copyOf(in.keySet()), List.copyOf(out.keySet()));
            assertEquals(3e-8f, out.get("zeta").getFloat(0, 2));
            assertEquals(Float.MAX_VALUE, out.get("zeta").getFloat(1, 2));
            assertArrayEquals(new long[] {2, 3}, out.get("zeta").shape());
            assertArrayEquals(new int[] {-3, 0, 7}, out.get("alpha").toIntVector());
            assertEquals(DataType.UBYTE, out.get("u8").dataType());
            assertArrayEquals(new int[] {0, 200, 255}, out.get("u8").castTo(DataType.INT).toIntVector());
            assertEquals(0, out.get("s").rank());
            assertEquals(2.25f, out.get("s").getFloat(0));
            assertArrayEquals(new long[] {1, 1, 1}, out.get("d").shape());
            assertEquals(Math.PI, out.get("d").getDouble(0, 0, 0));
            assertArrayEquals(new float[] {1, 3, 2, 4}, out.get("view").reshape(4).toFloatVector());
        }
    }

    @Test
    void writesNumpyHeaderExactly() throws IOException {
        // numpy's header for float32 (2,3): dict padded with spaces to a 64-byte boundary, '\n' last.
        byte[] bytes = NpyFormat.encode(Nd4j.create(DataType.FLOAT, 2, 3));
        int headerLen = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        String header = new String(bytes, 10, headerLen, java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(0, (10 + headerLen) % 64);
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header.trim());
        assertEquals(10 + headerLen + 24, bytes.length);
        String h1 = new String(NpyFormat.encode(Nd4j.create(DataType.INT, 5)), 10, 60,
                java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(h1.startsWith("{'descr': '<i4', 'fortran_order': False, 'shape': (5,), }"), h1);
    }

    @Test
    void corruptFilesAreBadInputNamingTheFile() throws IOException {
        Path text = tmp.resolve("text.npz");
        Files.writeString(text, "not a zip at all");
        BadInputException e1 = assertThrows(BadInputException.class, () -> NpzFiles.read(text));
        assertTrue(e1.getMessage().contains(text.toString()), e1.getMessage());

        Path truncated = tmp.resolve("trunc.npz");
        NpzFiles.write(truncated, Map.of("a", Nd4j.create(DataType.FLOAT, 100)));
        byte[] whole = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
        BadInputException e2 = assertThrows(BadInputException.class, () -> NpzFiles.read(truncated));
        assertTrue(e2.getMessage().contains(truncated.toString()), e2.getMessage());

        Path badEntry = tmp.resolve("bad.npz");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(badEntry))) {
            z.putNextEntry(new ZipEntry("x.npy"));
            z.write("\u0093NUMPY garbage".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            z.closeEntry();
        }
        BadInputException e3 = assertThrows(BadInputException.class, () -> NpzFiles.read(badEntry));
        assertTrue(e3.getMessage().contains(badEntry.toString()) && e3.getMessage().contains("x.npy"),
                e3.getMessage());

        Path missing = tmp.resolve("missing.npz");
        BadInputException e4 = assertThrows(BadInputException.class, () -> NpzFiles.read(missing));
        assertTrue(e4.getMessage().contains(missing.toString()), e4.getMessage());
    }

    @Test
    void equalArraysWrittenAtDifferentTimesMakeEqualFiles() throws Exception {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        arrays.put("w", Nd4j.createFromArray(new float[] {1, 2, 3}));
        arrays.put("b", Nd4j.createFromArray(new int[] {7}));
        Path a = tmp.resolve("a.npz"), b = tmp.resolve("b.npz");
        NpzFiles.write(a, arrays);
        Thread.sleep(2100); // zip times have a resolution of two seconds
        NpzFiles.write(b, arrays);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(a.toFile())) {
            assertEquals(java.time.LocalDateTime.of(1980, 1, 1, 0, 0), zip.getEntry("w.npy").getTimeLocal());
        }
    }
}
