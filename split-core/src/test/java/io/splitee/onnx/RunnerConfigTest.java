package io.splitee.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RunnerConfigTest {

    @Test
    void defaultsAreOneThreadFullOptimisationNoFused() {
        RunnerConfig c = RunnerConfig.defaults();
        assertEquals(1, c.intraOpThreads());
        assertEquals(RunnerConfig.Optimisation.ALL, c.optimisation());
        assertFalse(c.loadFused());
        assertTrue(c.withFused(true).loadFused());
        assertEquals(4, c.withIntraOpThreads(4).intraOpThreads());
        assertEquals(RunnerConfig.Optimisation.BASIC, c.withOptimisation(RunnerConfig.Optimisation.BASIC).optimisation());
    }

    @Test
    void invalidValuesNameTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RunnerConfig(0, RunnerConfig.Optimisation.ALL, false));
        assertTrue(e.getMessage().contains("intraOpThreads"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RunnerConfig(1, null, false));
        assertTrue(e.getMessage().contains("optimisation"), e.getMessage());
    }
}
