package org.wsss4j.data.synth;

import java.util.List;

/**
 * The 5x5 symbols of class badges, one per VOC class index. All 20 differ from each other and
 * from each other's mirror images, so a horizontal flip (a training augmentation) never turns one
 * class's badge into another's.
 */
final class Glyphs {
    private Glyphs() {}

    static final int CELLS = 5;

    private static final List<String> BITMAPS = List.of(
            "..#.. ..#.. ##### ..#.. ..#..",   // plus
            "#...# .#.#. ..#.. .#.#. #...#",   // cross
            "##### #...# #...# #...# #####",   // square
            "..#.. ..#.. .###. .###. #####",   // spire
            "..#.. .#.#. #...# .#.#. ..#..",   // diamond
            "##### ..#.. ..#.. ..#.. ..#..",   // T
            "#.... #.... #.... #.... #####",   // L
            "#...# #...# ##### #...# #...#",   // H
            ".###. ##### ##### ##### .###.",   // disc
            "#.#.# #.#.# #.#.# #.#.# #.#.#",   // three bars
            "##### ..... ##### ..... #####",   // three rungs
            "..#.. .###. #.#.# ..#.. ..#..",   // arrow
            "#.#.# .#.#. #.#.# .#.#. #.#.#",   // checker
            "##### ...#. ..#.. .#... #####",   // Z
            "#...# #...# #...# #...# .###.",   // U
            "..... .###. .#.#. .###. .....",   // small ring
            "#.... ##... ###.. ####. #####",   // staircase
            "##### #.... ####. #.... #####",   // E
            ".#### #.... #.... #.... .####",   // C
            "##### .#.#. .#.#. .#.#. .#.#.");  // pi

    /** Whether cell (row, col) of the glyph of VOC class {@code classIndex} is set. */
    static boolean on(int classIndex, int row, int col) {
        return BITMAPS.get(classIndex).charAt(row * (CELLS + 1) + col) == '#';
    }
}
