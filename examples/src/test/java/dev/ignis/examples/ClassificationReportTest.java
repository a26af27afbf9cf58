package dev.ignis.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Precision, recall and F1 by hand on a small confusion matrix (scikit-learn's definitions). */
class ClassificationReportTest {
    @Test
    void perClassFiguresFollowTheConfusionMatrix() {
        ClassificationReport r = new ClassificationReport(List.of("a", "b", "c"));
        // truth a,a,a,b,b,c; predicted a,a,b,b,c,c
        r.add(new long[] {0, 0, 0, 1, 1, 2}, new long[] {0, 0, 1, 1, 2, 2});
        assertEquals(4.0 / 6, r.accuracy(), 1e-12);
        assertEquals(1.0, r.precision(0), 1e-12);      // predicted a: 2, both a
        assertEquals(2.0 / 3, r.recall(0), 1e-12);      // a: 3, 2 found
        assertEquals(0.5, r.precision(1), 1e-12);      // predicted b: 2, one is b
        assertEquals(0.5, r.recall(1), 1e-12);
        assertEquals(0.5, r.precision(2), 1e-12);      // predicted c: 2, one is c
        assertEquals(1.0, r.recall(2), 1e-12);
        assertEquals(2 * 0.5 * 1.0 / 1.5, r.f1(2), 1e-12);
        assertEquals(3, r.support(0));
        assertEquals(1, r.count(1, 2));
    }

    @Test
    void aClassNeverPredictedHasPrecisionZeroAndBadLabelsAreNamed() {
        ClassificationReport r = new ClassificationReport(List.of("a", "b"));
        r.add(new long[] {0, 1}, new long[] {0, 0});
        assertEquals(0.0, r.precision(1));
        assertEquals(0.0, r.f1(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> r.add(new long[] {2}, new long[] {0}));
        assertEquals("sample 0: label 2, prediction 0, but there are 2 classes", e.getMessage());
    }
}
