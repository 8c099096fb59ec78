package org.wsss4j.crf;

import java.util.Arrays;

/**
 * Open-addressing hash table from integer lattice keys (a fixed number of coordinates each) to
 * dense vertex ids 0, 1, 2, ... in insertion order. Keys live in one flat int array and slots in
 * another, so a lattice with hundreds of thousands of vertices costs no per-vertex objects.
 * Insertion order fixes the ids, which is what makes the lattice deterministic whatever the hash.
 */
final class LatticeHashTable {
    private final int keySize;
    private int[] keys;
    private int[] slots;
    private int mask;
    private int size;

    LatticeHashTable(int keySize, int expected) {
        this.keySize = keySize;
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        this.slots = new int[capacity];
        Arrays.fill(slots, -1);
        this.mask = capacity - 1;
        this.keys = new int[Math.max(16, expected) * keySize];
    }

    int size() {
        return size;
    }

    /** Coordinate {@code c} of the key of vertex {@code id}. */
    int key(int id, int c) {
        return keys[id * keySize + c];
    }

    /** The id of {@code key}, or -1 when absent. */
    int find(int[] key) {
        int h = hash(key) & mask;
        while (true) {
            int id = slots[h];
            if (id < 0) {
                return -1;
            }
            if (matches(id, key)) {
                return id;
            }
            h = (h + 1) & mask;
        }
    }

    /** The id of {@code key}, inserting it with the next free id when absent. */
    int findOrInsert(int[] key) {
        if (2 * (size + 1) > slots.length) {
            grow();
        }
        int h = hash(key) & mask;
        while (true) {
            int id = slots[h];
            if (id < 0) {
                if ((size + 1) * keySize > keys.length) {
                    keys = Arrays.copyOf(keys, keys.length * 2);
                }
                System.arraycopy(key, 0, keys, size * keySize, keySize);
                slots[h] = size;
                return size++;
            }
            if (matches(id, key)) {
                return id;
            }
            h = (h + 1) & mask;
        }
    }

    private boolean matches(int id, int[] key) {
        int base = id * keySize;
        for (int c = 0; c < keySize; c++) {
            if (keys[base + c] != key[c]) {
                return false;
            }
        }
        return true;
    }

    private int hash(int[] key) {
        return hashAt(key, 0);
    }

    private int hashAt(int[] source, int base) {
        int h = 0;
        for (int c = 0; c < keySize; c++) {
            h = (h + source[base + c]) * 0x9E3779B1;
        }
        return h ^ (h >>> 15);
    }

    private void grow() {
        int[] bigger = new int[slots.length * 2];
        Arrays.fill(bigger, -1);
        int newMask = bigger.length - 1;
        for (int id = 0; id < size; id++) {
            int h = hashAt(keys, id * keySize) & newMask;
            while (bigger[h] >= 0) {
                h = (h + 1) & newMask;
            }
            bigger[h] = id;
        }
        slots = bigger;
        mask = newMask;
    }
}
