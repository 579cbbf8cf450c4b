package org.circuitbook.widgets.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.SafeTensors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SparseAutoencoderTest {
    // d_in 2, d_sae 3: latents along +x, +y and -x; b_dec shifts inputs by (0.5, 0)
    private final SparseAutoencoder sae = new SparseAutoencoder(
            Tensor.of(new float[] {1, 0, -1, 0, 1, 0}, 2, 3),
            Tensor.of(new float[] {-0.1f, 0, 0}, 3),
            Tensor.of(new float[] {1, 0, 0, 1, -1, 0}, 3, 2),
            Tensor.of(new float[] {0.5f, 0}, 2));

    @Test
    @DisplayName("encode is ReLU((x - b_dec) W_enc + b_enc) and decode is f W_dec + b_dec, checked by hand")
    void byHand() {
        // x = (1.5, 2): x - b_dec = (1, 2); f = ReLU((1, 2, -1) + (-0.1, 0, 0)) = (0.9, 2, 0)
        Tensor f = sae.encode(Tensor.of(new float[] {1.5f, 2}, 1, 2));
        assertArrayEquals(new float[] {0.9f, 2, 0}, f.data(), 1e-6f);
        // x_hat = 0.9 (1, 0) + 2 (0, 1) + (0.5, 0) = (1.4, 2)
        assertArrayEquals(new float[] {1.4f, 2}, sae.decode(f).data(), 1e-6f);
    }

    @Test
    @DisplayName("encode and decode give the floats of Ops' chain (bias, matmul, bias, ReLU; matmul, bias) bit for bit")
    void theOpsChain() {
        java.util.Random random = new java.util.Random(4);
        for (int dSae : new int[] {3, 8, 13, 128}) {
            int dIn = 16;
            float[][] p = new float[4][];
            int[] sizes = {dIn * dSae, dSae, dSae * dIn, dIn};
            for (int t = 0; t < 4; t++) {
                p[t] = new float[sizes[t]];
                for (int i = 0; i < sizes[t]; i++) {
                    p[t][i] = (float) (random.nextGaussian() * (t % 2 == 1 ? 0.2 : 1));
                }
            }
            SparseAutoencoder s = new SparseAutoencoder(Tensor.of(p[0], dIn, dSae), Tensor.of(p[1], dSae),
                    Tensor.of(p[2], dSae, dIn), Tensor.of(p[3], dIn));
            float[] x = new float[37 * dIn];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian();
            }
            Tensor in = Tensor.of(x, 37, dIn);
            org.circuitbook.widgets.tensor.Tensor f = org.circuitbook.widgets.tensor.Ops.relu(
                    org.circuitbook.widgets.tensor.Ops.addBias(org.circuitbook.widgets.tensor.Ops.matmul(
                            org.circuitbook.widgets.tensor.Ops.addBias(in, org.circuitbook.widgets.tensor.Ops.scale(
                                    Tensor.of(p[3], dIn), -1f)), Tensor.of(p[0], dIn, dSae)), Tensor.of(p[1], dSae)));
            Tensor xHat = org.circuitbook.widgets.tensor.Ops.addBias(org.circuitbook.widgets.tensor.Ops.matmul(f,
                    Tensor.of(p[2], dSae, dIn)), Tensor.of(p[3], dIn));
            Tensor gotF = s.encode(in);
            Tensor gotXHat = s.decode(gotF);
            assertArrayEquals(f.shape(), gotF.shape());
            for (int i = 0; i < f.size(); i++) {
                assertEquals(Float.floatToRawIntBits(f.data()[i]), Float.floatToRawIntBits(gotF.data()[i]), "latent " + i);
            }
            for (int i = 0; i < xHat.size(); i++) {
                assertEquals(Float.floatToRawIntBits(xHat.data()[i]), Float.floatToRawIntBits(gotXHat.data()[i]),
                        "reconstruction " + i);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> sae.encode(Tensor.of(new float[3], 1, 3)));
    }

    @Test
    @DisplayName("evaluate measures the normalised reconstruction error, L0 and the dead latents of a batch")
    void evaluate() {
        // row 0 as above; row 1 is b_dec itself: no latent fires, and it is reconstructed exactly
        SparseAutoencoder.Evaluation e = sae.evaluate(Tensor.of(new float[] {1.5f, 2, 0.5f, 0}, 2, 2));
        assertArrayEquals(new float[] {0.9f, 2, 0, 0, 0, 0}, e.latents().data(), 1e-6f);
        assertEquals(0.1 * 0.1 / (1.5 * 1.5 + 2 * 2 + 0.5 * 0.5), e.normalisedReconstructionError(), 1e-7);
        assertEquals(1.0, e.l0());
        assertArrayEquals(new boolean[] {true, true, false}, e.alive());
        assertEquals(1, e.dead());
        assertEquals(1 / 3.0, e.deadFraction());
    }

    @Test
    @DisplayName("MMCS is 1 when every true feature has a dictionary direction, lower when one is missing")
    void mmcs() {
        assertEquals(1.0, sae.mmcs(Tensor.of(new float[] {2, 0, 0, 3}, 2, 2)), 1e-9);
        // a diagonal feature is 45 degrees from every direction: its best cosine is cos 45
        assertEquals((1 + Math.sqrt(0.5)) / 2, sae.mmcs(Tensor.of(new float[] {1, 0, 1, 1}, 2, 2)), 1e-6);
    }

    @Test
    @DisplayName("round-trips through a weights file under SAELens' names, and checks shapes")
    void weights() {
        SafeTensors file = SafeTensors.fromBytes(new SafeTensors(sae.tensors(), Map.of()).toBytes());
        assertEquals(java.util.Set.of("W_enc", "b_enc", "W_dec", "b_dec"), file.tensors().keySet());
        assertEquals(sae.W_dec(), SparseAutoencoder.fromWeights(file).W_dec());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SparseAutoencoder(
                Tensor.zeros(2, 3), Tensor.zeros(3), Tensor.zeros(2, 3), Tensor.zeros(2)));
        assertEquals("W_dec must be [d_sae, d_in] = [3, 2], got Tensor[2, 3]", e.getMessage());
    }
}
