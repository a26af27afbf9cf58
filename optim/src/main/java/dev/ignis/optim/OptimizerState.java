package dev.ignis.optim;

import java.util.List;
import java.util.Map;

/**
 * An optimizer's state dict in PyTorch's layout: {@code state} maps a parameter's index (numbered
 * consecutively across groups, in group order) to its per-parameter state ({@code step},
 * {@code exp_avg}, {@code momentum_buffer}, ...; tensors are copies), and {@code paramGroups}
 * holds each group's hyperparameters plus {@code params}, the list of its parameter indices.
 */
public record OptimizerState(Map<Integer, Map<String, Object>> state, List<Map<String, Object>> paramGroups) {
}
