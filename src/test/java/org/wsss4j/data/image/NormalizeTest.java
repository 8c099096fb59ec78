package org.wsss4j.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NormalizeTest {

    /** A 1x2 image: pixel 0 = (0, 128, 64), pixel 1 = (255, 100, 50). */
    private static RgbImage twoPixels() {
        return new RgbImage(1, 2, new byte[] {0, (byte) 128, 64, (byte) 255, 100, 50});
    }

    @Test
    void imagenetValuesByHand() {
        float[] chw = Normalize.imagenet(twoPixels());
        assertEquals(6, chw.length);
        // R: (0 - 0.485)/0.229 = -2.1179039..., (1 - 0.485)/0.229 = 2.2489083...
        assertEquals(-2.1179039301310043, chw[0], 1e-6);
        assertEquals(2.2489082969432315, chw[1], 1e-6);
        // G: (128/255 - 0.456)/0.224 = 0.2051820728...
        assertEquals(0.20518207282913153, chw[2], 1e-6);
        // B: (64/255 - 0.406)/0.225 = -0.6889760348...
        assertEquals(-0.6889760348583879, chw[4], 1e-6);
    }

    @Test
    void imagenetIsBitIdenticalToNumpy() {
        // np.float32((v/255. - mean)/std), printed with repr(float(...))
        float[] chw = Normalize.imagenet(twoPixels());
        assertEquals(-2.1179039478302f, chw[0]);
        assertEquals(2.248908281326294f, chw[1]);
        assertEquals(0.20518207550048828f, chw[2]);
        assertEquals(-0.6889760494232178f, chw[4]);
    }

    @Test
    void caffeIsBgrMinusMean() {
        float[] chw = Normalize.caffeBgr(twoPixels());
        // channel 0 = blue: 64 - 104.008, 50 - 104.008
        assertEquals((float) (64 - 104.008), chw[0]);
        assertEquals((float) (50 - 104.008), chw[1]);
        // channel 1 = green: 128 - 116.669, 100 - 116.669
        assertEquals((float) (128 - 116.669), chw[2]);
        assertEquals((float) (100 - 116.669), chw[3]);
        // channel 2 = red: 0 - 122.675, 255 - 122.675
        assertEquals(-122.675f, chw[4]);
        assertEquals(132.325f, chw[5], 1e-5);
    }
}
