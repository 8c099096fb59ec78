package org.wsss4j.data.synth;

/**
 * The silhouette of an object or distractor, in pixel coordinates (pixel (x, y) covers
 * [x, x+1) x [y, y+1); it belongs to a shape when its centre (x + 0.5, y + 0.5) is inside).
 * Three kinds keep shapes varied: rotated ellipses, irregular star-shaped polygons and smooth
 * blobs (a circle whose radius varies with low harmonics of the angle).
 */
public sealed interface Outline {

    boolean contains(double x, double y);

    double centreX();

    double centreY();

    /** A radius around the centre that contains the whole shape. */
    double reach();

    /** Short name of the kind, for the dataset description. */
    String kind();

    /** Ellipse with semi-axes {@code a}, {@code b}, the {@code a} axis at angle {@code theta}. */
    record Ellipse(double centreX, double centreY, double a, double b, double theta,
                   double cos, double sin) implements Outline {
        public Ellipse(double centreX, double centreY, double a, double b, double theta) {
            this(centreX, centreY, a, b, theta, StrictMath.cos(theta), StrictMath.sin(theta));
        }

        @Override
        public boolean contains(double x, double y) {
            double dx = x - centreX, dy = y - centreY;
            double u = (dx * cos + dy * sin) / a, v = (-dx * sin + dy * cos) / b;
            return u * u + v * v <= 1;
        }

        @Override
        public double reach() {
            return Math.max(a, b);
        }

        @Override
        public String kind() {
            return "ellipse";
        }
    }

    /** Simple polygon given by its vertices (even-odd rule). */
    record Polygon(double centreX, double centreY, double[] xs, double[] ys) implements Outline {
        @Override
        public boolean contains(double x, double y) {
            boolean inside = false;
            int n = xs.length;
            for (int i = 0, j = n - 1; i < n; j = i++) {
                if ((ys[i] > y) != (ys[j] > y)
                        && x < (xs[j] - xs[i]) * (y - ys[i]) / (ys[j] - ys[i]) + xs[i]) {
                    inside = !inside;
                }
            }
            return inside;
        }

        @Override
        public double reach() {
            double r = 0;
            for (int i = 0; i < xs.length; i++) {
                r = Math.max(r, StrictMath.hypot(xs[i] - centreX, ys[i] - centreY));
            }
            return r;
        }

        @Override
        public String kind() {
            return "polygon";
        }
    }

    /**
     * Blob: in a frame rotated by {@code theta} and squeezed by {@code aspect} along its second
     * axis, the points within radius {@code r * (1 + sum_k amp[k] cos((k+2) phi + phase[k]))}.
     * cos(n phi) and sin(n phi) come from the point's own direction by the angle-addition
     * recurrence, so the test needs no arc tangent.
     */
    record Blob(double centreX, double centreY, double r, double aspect, double theta,
                double[] amp, double[] phase, double cos, double sin,
                double[] cosPhase, double[] sinPhase) implements Outline {
        public Blob(double centreX, double centreY, double r, double aspect, double theta,
                    double[] amp, double[] phase) {
            this(centreX, centreY, r, aspect, theta, amp, phase, StrictMath.cos(theta),
                    StrictMath.sin(theta), map(phase, true), map(phase, false));
        }

        private static double[] map(double[] phase, boolean cos) {
            double[] out = new double[phase.length];
            for (int k = 0; k < phase.length; k++) {
                out[k] = cos ? StrictMath.cos(phase[k]) : StrictMath.sin(phase[k]);
            }
            return out;
        }

        @Override
        public boolean contains(double x, double y) {
            double dx = x - centreX, dy = y - centreY;
            double u = dx * cos + dy * sin, v = (-dx * sin + dy * cos) / aspect;
            double rho = Math.sqrt(u * u + v * v);
            if (rho == 0) {
                return true;
            }
            double c1 = u / rho, s1 = v / rho;
            // cos/sin of n*phi for n = 1, 2, ...; harmonic k uses n = k + 2.
            double cn = c1, sn = s1, edge = 1;
            for (int n = 2; n < amp.length + 2; n++) {
                double c = cn * c1 - sn * s1, s = sn * c1 + cn * s1;
                cn = c;
                sn = s;
                int k = n - 2;
                edge += amp[k] * (cn * cosPhase[k] - sn * sinPhase[k]);
            }
            return rho <= r * edge;
        }

        @Override
        public double reach() {
            double sum = 1;
            for (double a : amp) {
                sum += Math.abs(a);
            }
            return r * sum;
        }

        @Override
        public String kind() {
            return "blob";
        }
    }
}
