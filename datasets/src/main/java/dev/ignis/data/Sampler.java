package dev.ignis.data;

/** An order of dataset indices for one epoch (torch.utils.data.Sampler); {@link #size()} indices per pass. */
public interface Sampler extends Iterable<Long> {
    long size();
}
