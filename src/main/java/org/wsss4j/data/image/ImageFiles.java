package org.wsss4j.data.image;

import java.awt.image.BufferedImage;
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
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.wsss4j.BadInputException;
import org.wsss4j.data.VocClasses;
import org.wsss4j.io.AtomicFiles;

/** Reading and writing the image files of a VOC-layout dataset. */
public final class ImageFiles {
    private ImageFiles() {}

    /** Decodes a JPEG or PNG as 8-bit RGB (grey and palette images are expanded). */
    public static RgbImage readRgb(Path file) {
        BufferedImage img = decode(file);
        int h = img.getHeight(), w = img.getWidth();
        byte[] out = new byte[h * w * 3];
        if (img.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < h * w; i++) {
                out[3 * i] = bgr[3 * i + 2];
                out[3 * i + 1] = bgr[3 * i + 1];
                out[3 * i + 2] = bgr[3 * i];
            }
        } else {
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
