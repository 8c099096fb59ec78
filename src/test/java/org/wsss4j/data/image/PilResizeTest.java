package org.wsss4j.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Expected bytes were produced with Pillow 9.4 (/usr/bin/python3):
 * <pre>
 * img = pattern(7, 9, 3)   # see TestPatterns.bytes
 * np.asarray(Image.fromarray(img).resize((ow, oh), Image.BICUBIC)).tobytes().hex()
 * </pre>
 */
class PilResizeTest {

    @Test
    void patternMatchesThePythonInput() {
        // img.tobytes().hex() for pattern(7, 9, 3): guards the test input itself.
        assertArrayEquals(TestPatterns.hex("0737a5513b63c96d4f6fcd69435bb14517277501cbd3199d5f5f9d19"
                + "d3cb0175271745b15b4369cd6f4f6dc9633b51a537071561ebb3b9fd7f3f3d79f3aba1d547f7e5117b"
                + "23092d8f2f0d29831bf10557e7b5c10b93595d9f1fddd9138b413567d785719b03a98daf0fad89a3fb"
                + "916577c755212b73f9bdbfff7d39336be19587b725d1bbe349edcfef4de9c3db31c597a7f5814b5399"
                + "1ddfdf1d99534b81f5a797c531dbc3e94defcfed49e3bbd125b78795e16b33397dffbfbdf973"),
                TestPatterns.rgb(7, 9).data);
    }

    @Test
    void bicubicEnlargeMatchesPillow() {
        // resize((11, 13), BICUBIC): width 9 -> 11, height 7 -> 13
        String expected = "022aa43a2e79ab5150c29c4c63ce783759b93c122d600091b204cac72ba359569b045eb5"
                + "284e687451588d7d6664a66d656397524f3d5726988a09ac9e2e80588ea70ec2d207884911536a2f"
                + "449969575cbb72587bbc594979a13e15714f363f5af0bb54f4b41e855438607e6d55be96349be44d"
                + "5b67854f53606a37323a3c4a22a4a097b5ff814e65769b738bef8fcad336ede7147b390a37681c19"
                + "5a5910506627fa065ce4dc9c497a766e8b61d9b075e5758cbb165a4c5759685f0d757b1d6984678c"
                + "3b6bf0b6c53c9b7724943491ba15dac6168b41356ac48368b625938f498794b209ae87c5dda55b9a"
                + "a1355a46668d24a8f363a6b85b528e7487a14fc17b88a86dbe59de5fa6ff9276a2c85c316f5f5e5b"
                + "7ffcc5befd7d44436fab6d7dda5bb3b34ab2c4ea46d7efcd6bd6d67d55a4a648ad8bc3de94975e73"
                + "23a8cd32aaba359d894e92f1bf7af2b8f474eec2a58cbfd35fe58aa2dd873d5c962cd6ca19b29434"
                + "83717888f8b198d351e8abcc7fd5ccabbfb8e962bcc2bb299d966ee38a3a7f776f7285daa8d1e47d"
                + "c11ce0c7b95ceeed9fb3e8e94dccb4d822bf9492e8684d62698f6b90ffbabbff6d";
        RgbImage out = PilResize.bicubic(TestPatterns.rgb(7, 9), 13, 11);
        assertEquals(13, out.height);
        assertEquals(11, out.width);
        assertArrayEquals(TestPatterns.hex(expected), out.data);
    }

    @Test
    void bicubicShrinkMatchesPillow() {
        // resize((4, 3), BICUBIC): both axes shrink, so the kernel is widened (antialiasing)
        assertArrayEquals(TestPatterns.hex(
                "3a757d86677f6647656e4b7575a3879e896a7f7156867a6dadacb7959bb5964fa1a89b8f"),
                PilResize.bicubic(TestPatterns.rgb(7, 9), 3, 4).data);
    }

    @Test
    void bicubicNonIntegerMixedScaleMatchesPillow() {
        // resize((5, 10), BICUBIC): height x10/7 (enlarge), width x5/9 (shrink)
        assertArrayEquals(TestPatterns.hex("302e85a68e58426a7e7900909c39a714728455616a787c665e3c876a"
                + "628921af7f444893af686247615e57725c7fa879cd73bfb6168b50311397413881a3879aa34ba65c"
                + "54698930677e777ca79665a02894b050889c62749f9886b5a562737a8ad48aa4548dc28e899dd4d2"
                + "9a6dc3897097b120a8b47789b9b2bfb2a9d09357b1953e9ba5b48ccd8197b1e8be9d6aca7373849d"
                + "fe8f"), PilResize.bicubic(TestPatterns.rgb(7, 9), 10, 5).data);
    }

    @Test
    void bilinearMatchesPillow() {
        // resize((5, 10), BILINEAR)
        assertArrayEquals(TestPatterns.hex("353d8396825b4e6680780c8f923aa02074835a657079716b5f3f816c"
                + "5f852ea28250588ea263654e5c5e5e6e6183a57fc075b1b3218459361f90413b82a586939b58a062"
                + "586e813b6d7c7180aa916f9b4293a0598891627b988d85b4a465757b8ec889a55e8dbb8b889ec8cb"
                + "9977bd8d7496ad35a3b27c8db5b0bfafa4cb9560ac964b9aa6ac8ec78b9fb3dabfa06cc27778879c"
                + "ed8f"), PilResize.bilinear(TestPatterns.rgb(7, 9), 10, 5).data);
    }

    @Test
    void vocSizedImagesMatchPillow() {
        // big = pattern(375, 500, 3); hashlib.sha256(np.asarray(Image.fromarray(big)
        //     .resize((ow, oh), Image.BICUBIC)).tobytes()).hexdigest()
        RgbImage big = TestPatterns.rgb(375, 500);
        // resize_long to 320 (spec 1.4)
        assertEquals("300e499ca2c1245b88994103c6d0c4796b711105041301ba9c3c127268c014f9",
                TestPatterns.sha256(PilResize.bicubic(big, 240, 320).data));
        // an enlargement with a non-integer ratio on one axis (375 -> 563) and x1.5 on the other
        assertEquals("0bd302b5eeb1818e0b794e3ca1f895045efed880149c2a65f82d1ba723703b6b",
                TestPatterns.sha256(PilResize.bicubic(big, 563, 750).data));
    }

    @Test
    void constantImageStaysConstant() {
        // The normalised weights of every window sum to one (within fixed-point rounding far below
        // half a grey level), so any resize of a flat image must return the same flat value.
        for (int v : new int[] {0, 1, 128, 254, 255}) {
            byte[] data = new byte[6 * 8 * 3];
            Arrays.fill(data, (byte) v);
            RgbImage flat = new RgbImage(6, 8, data);
            for (int[] size : new int[][] {{13, 17}, {2, 3}, {6, 5}, {1, 1}, {37, 8}}) {
                RgbImage out = PilResize.bicubic(flat, size[0], size[1]);
                for (byte b : out.data) {
                    assertEquals(v, b & 0xFF, "value " + v + " resized to " + Arrays.toString(size));
                }
            }
        }
    }

    @Test
    void sameSizeIsACopy() {
        RgbImage img = TestPatterns.rgb(7, 9);
        RgbImage out = PilResize.bicubic(img, 7, 9);
        assertArrayEquals(img.data, out.data);
        out.data[0]++;
        assertEquals(0x07, img.data[0], "the source must not share the result's buffer");
    }
}
