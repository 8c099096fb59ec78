package org.wsss4j.crf;

/**
 * One Gaussian pairwise term of the dense CRF with Potts compatibility, DIAG_KERNEL and
 * NORMALIZE_SYMMETRIC, as pydensecrf adds it by default (spec 5): with K the lattice Gaussian
 * filter on the term's features and {@code norm = 1 / sqrt(K 1 + 1e-20)}, the message for labels
 * Q is {@code w * norm ⊙ K(norm ⊙ Q)}; Potts turns it into the energy {@code -w * ...}, which the
 * mean-field update subtracts, so the message is added to {@code -U}.
 */
final class PairwiseKernel {
    private final PermutohedralLattice lattice;
    private final float[] norm;
    private final float weight;

    PairwiseKernel(float[] features, int n, int d, double compat) {
        this.lattice = new PermutohedralLattice(features, n, d);
        this.weight = (float) compat;
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        float[] density = lattice.filter(ones, 1);
        this.norm = new float[n];
        for (int i = 0; i < n; i++) {
            norm[i] = (float) (1.0 / Math.sqrt(density[i] + 1e-20));
        }
    }

    /** Adds {@code w * norm ⊙ K(norm ⊙ q)} to {@code acc}; both pixel-major [n][labels]. */
    void addMessage(float[] q, float[] acc, int labels) {
        lattice.addNormalisedFilter(q, norm, weight, acc, labels);
    }
}
