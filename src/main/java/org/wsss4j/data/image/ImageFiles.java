package org.wsss4j.data.image;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.wsss4j.BadInputException;
import org.wsss4j.data.VocClasses;
import org.wsss4j.io.AtomicFiles;

/** Reading and writing the image files of a VOC-layout dataset. */
public final class ImageFiles {
    private ImageFiles() {}

    /**
     * Decodes a JPEG or PNG as 8-bit RGB (grey and palette images are expanded) with the decoded
     * sample values as they are, as OpenCV's {@code imread(IMREAD_COLOR)} and PIL's {@code
     * convert("RGB")} give them to the references (spec 8: "cv2 and PIL decode VOC JPEGs
     * identically"): no colour management. Java's own conversions would change them: a JPEG with
     * an embedded ICC profile (e.g. Adobe RGB) is converted to sRGB by ImageIO's default read, and
     * {@link BufferedImage#getRGB} maps 8-bit grey as linear light (grey 64 becomes 137).
     */
    public static RgbImage readRgb(Path file) {
        BufferedImage img = decodeUnmanaged(file);
        int h = img.getHeight(), w = img.getWidth();
        byte[] out = new byte[h * w * 3];
        Raster raster = img.getRaster();
        ColorModel cm = img.getColorModel();
        boolean bytes = raster.getTransferType() == DataBuffer.TYPE_BYTE && !(cm instanceof IndexColorModel);
        int csType = cm.getColorSpace().getType();
        if (bytes && csType == ColorSpace.TYPE_RGB && raster.getNumBands() >= 3) {
            // bands 0, 1, 2 are R, G, B whatever the byte order in memory (alpha, if any, is band 3)
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                for (int c = 0; c < 3; c++) {
                    raster.getSamples(0, y, w, 1, c, row);
                    for (int x = 0; x < w; x++) {
                        out[(y * w + x) * 3 + c] = (byte) row[x];
                    }
                }
            }
        } else if (bytes && csType == ColorSpace.TYPE_GRAY) {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int i = (y * w + x) * 3;
                    out[i] = out[i + 1] = out[i + 2] = (byte) row[x];
                }
            }
        } else { // palette (its colours), 16-bit samples
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int p = row[x], i = (y * w + x) * 3;
                    out[i] = (byte) (p >> 16);
                    out[i + 1] = (byte) (p >> 8);
                    out[i + 2] = (byte) p;
                }
            }
        }
        return new RgbImage(h, w, out);
    }

    /**
     * Reads a label PNG: for a palette PNG the palette INDEX of each pixel (never its colour),
     * for a greyscale PNG the grey value.
     */
    public static LabelMap readLabels(Path file) {
        BufferedImage img = decode(file);
        Raster raster = img.getRaster();
        boolean indexed = img.getColorModel() instanceof IndexColorModel;
        boolean grey = raster.getNumBands() == 1;
        if (!indexed && !grey) {
            throw new BadInputException(file + ": label PNG must be a palette or greyscale image of"
                    + " class indices, found " + raster.getNumBands() + " colour channels; convert it"
                    + " to class indices first");
        }
        if (raster.getSampleModel().getSampleSize(0) > 8) {
            throw new BadInputException(file + ": label PNG must have 8-bit (or fewer) samples;"
                    + " re-save it as an 8-bit palette or greyscale PNG");
        }
        int h = img.getHeight(), w = img.getWidth();
        int[] row = new int[w];
        byte[] out = new byte[h * w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                out[y * w + x] = (byte) row[x];
            }
        }
        return new LabelMap(h, w, out);
    }

    /** Writes a label map as a VOC palette PNG (the devkit colour map), atomically. */
    public static void writeLabels(LabelMap labels, Path file) {
        byte[] r = new byte[256], g = new byte[256], b = new byte[256];
        for (int i = 0; i < 256; i++) {
            int[] rgb = VocClasses.paletteRgb(i);
            r[i] = (byte) rgb[0];
            g[i] = (byte) rgb[1];
            b[i] = (byte) rgb[2];
        }
        IndexColorModel palette = new IndexColorModel(8, 256, r, g, b);
        BufferedImage img = new BufferedImage(labels.width, labels.height,
                BufferedImage.TYPE_BYTE_INDEXED, palette);
        WritableRaster raster = img.getRaster();
        byte[] dst = ((DataBufferByte) raster.getDataBuffer()).getData();
        System.arraycopy(labels.data, 0, dst, 0, dst.length);
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
    }

    /** Writes an RGB image as PNG, atomically. */
    public static void writePng(RgbImage image, Path file) {
        BufferedImage img = toBufferedImage(image);
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
    }

    /** Writes an RGB image as baseline JPEG with the given quality (0..1), atomically. */
    public static void writeJpeg(RgbImage image, Path file, float quality) {
        BufferedImage img = toBufferedImage(image);
        AtomicFiles.write(file, out -> {
            Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
            ImageWriter writer = writers.next();
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
                writer.setOutput(ios);
                writer.write(null, new IIOImage(img, null, null), param);
            } finally {
                writer.dispose();
            }
        });
    }

    private static BufferedImage toBufferedImage(RgbImage image) {
        BufferedImage img = new BufferedImage(image.width, image.height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < image.height * image.width; i++) {
            bgr[3 * i] = image.data[3 * i + 2];
            bgr[3 * i + 1] = image.data[3 * i + 1];
            bgr[3 * i + 2] = image.data[3 * i];
        }
        return img;
    }

    /**
     * {@link #decode}, but where the reader offers the image in the colour space of an embedded
     * ICC profile (ImageIO's JPEG reader lists it after the sRGB type it would convert to), that
     * type, so the samples are the decoder's YCbCr-to-RGB output unconverted.
     */
    private static BufferedImage decodeUnmanaged(Path file) {
        try (InputStream in = Files.newInputStream(file); ImageInputStream iis = ImageIO.createImageInputStream(in)) {
            Iterator<ImageReader> readers = iis == null ? null : ImageIO.getImageReaders(iis);
            if (readers == null || !readers.hasNext()) {
                throw new BadInputException(file + ": not a readable JPEG or PNG image; replace or"
                        + " remove the file");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                ImageReadParam param = reader.getDefaultReadParam();
                for (Iterator<ImageTypeSpecifier> it = reader.getImageTypes(0); it.hasNext(); ) {
                    ImageTypeSpecifier t = it.next();
                    ColorSpace cs = t.getColorModel().getColorSpace();
                    if (cs instanceof ICC_ColorSpace && !cs.isCS_sRGB() && cs.getType() == ColorSpace.TYPE_RGB
                            && t.getNumBands() == 3) {
                        // a destination image rather than setDestinationType: ImageReader compares
                        // types with equals, which fails for a profile ImageIO rebuilds per call
                        param.setDestination(t.createBufferedImage(reader.getWidth(0), reader.getHeight(0)));
                        break;
                    }
                }
                return reader.read(0, param);
            } finally {
                reader.dispose();
            }
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": file not found; check the dataset folder");
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadInputException b) {
                throw b;
            }
            throw new BadInputException(file + ": cannot decode image (" + e.getMessage()
                    + "); replace or remove the file");
        }
    }

    private static BufferedImage decode(Path file) {
        BufferedImage img;
        try (InputStream in = Files.newInputStream(file)) {
            img = ImageIO.read(in);
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": file not found; check the dataset folder");
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(file + ": cannot decode image (" + e.getMessage()
                    + "); replace or remove the file");
        }
        if (img == null) {
            throw new BadInputException(file + ": not a readable JPEG or PNG image; replace or"
                    + " remove the file");
        }
        return img;
    }
}
