package org.wsss4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsss4j.BadInputException;

/** A VOC run states where its classifier starts; the synthetic one needs nothing. */
class StartingWeightsTest {
    @TempDir
    Path dir;

    @Test
    void vocWithoutWeightsIsRefusedWithOneLinePointingToTheZoo() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> new StartingWeights(true, null, null, null, false));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("zoo/"), e.getMessage());
        assertTrue(e.getMessage().contains("--from-scratch"), e.getMessage());
        // --irn-pretrained alone does not say where the classifier starts
        assertThrows(BadInputException.class, () -> new StartingWeights(true, null, null, file("irn.npz"), false));
    }

    @Test
    void vocAcceptsFromScratchOrEitherWeightFile() throws Exception {
        StartingWeights scratch = new StartingWeights(true, null, null, null, true);
        assertTrue(scratch.trainsClassifier());
        Path imagenet = file("imagenet.npz"), classifier = file("cls.npz"), irn = file("irn.npz");
        Path trained = dir.resolve("run/classifier/classifier.npz");

        StartingWeights fromImagenet = new StartingWeights(true, imagenet, null, null, false);
        assertTrue(fromImagenet.trainsClassifier());
        // IRN starts from the ImageNet weights, as the reference's does, unless --irn-pretrained is given
        assertEquals(imagenet, fromImagenet.irnBackbone(trained));
        assertEquals(irn, new StartingWeights(true, imagenet, null, irn, false).irnBackbone(trained));

        StartingWeights given = new StartingWeights(true, null, classifier, null, false);
        assertFalse(given.trainsClassifier());
        assertEquals(classifier, given.irnBackbone(classifier));
        // both: the classifier as given, IRN from ImageNet
        assertEquals(imagenet, new StartingWeights(true, imagenet, classifier, null, false).irnBackbone(classifier));
        // the synthetic preset: nothing required, IRN on the classifier's backbone
        assertEquals(trained, StartingWeights.none().irnBackbone(trained));
    }

    @Test
    void vocTable2NeedsDeepLabWeightsOrFromScratch() throws Exception {
        StartingWeights classifierOnly = new StartingWeights(true, file("imagenet.npz"), null, null, false);
        classifierOnly.requireDeepLabStart(false);
        BadInputException e = assertThrows(BadInputException.class, () -> classifierOnly.requireDeepLabStart(true));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("--deeplab-init") && e.getMessage().contains("zoo/deeplabv2-resnet101"),
                e.getMessage());
        Path r101 = file("r101.npz");
        StartingWeights withDeepLab = new StartingWeights(true, dir.resolve("imagenet.npz"), null, null, false, r101);
        withDeepLab.requireDeepLabStart(true);
        assertEquals(r101, withDeepLab.deeplab());
        new StartingWeights(true, null, null, null, true).requireDeepLabStart(true);
        // the synthetic preset trains its small DeepLab from scratch
        StartingWeights.none().requireDeepLabStart(true);
        BadInputException missing = assertThrows(BadInputException.class,
                () -> new StartingWeights(true, null, null, null, true, dir.resolve("none.npz")));
        assertTrue(missing.getMessage().startsWith("--deeplab-init"), missing.getMessage());
    }

    @Test
    void contradictionsAndMissingFilesAreRefused() throws Exception {
        Path imagenet = file("imagenet.npz");
        BadInputException both = assertThrows(BadInputException.class,
                () -> new StartingWeights(true, imagenet, null, null, true));
        assertTrue(both.getMessage().startsWith("--from-scratch"), both.getMessage());
        Path missing = dir.resolve("nope.npz");
        BadInputException e = assertThrows(BadInputException.class,
                () -> new StartingWeights(false, missing, null, null, false));
        assertTrue(e.getMessage().startsWith("--imagenet-weights " + missing + ": file not found"), e.getMessage());
        assertThrows(BadInputException.class, () -> new StartingWeights(false, null, missing, null, false));
        assertThrows(BadInputException.class, () -> new StartingWeights(false, null, null, missing, false));
    }

    private Path file(String name) throws Exception {
        Path p = dir.resolve(name);
        if (!Files.exists(p)) {
            Files.createFile(p);
        }
        return p;
    }
}
