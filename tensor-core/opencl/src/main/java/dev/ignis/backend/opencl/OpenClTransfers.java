package dev.ignis.backend.opencl;

/**
 * Counts of what crossed between host and the opencl device: tensor data uploaded (to(device),
 * index lists) and downloaded (reads), in calls and bytes, and kernel dispatches. The per-dispatch
 * geometry (50 ints) is not counted as data.
 */
public record OpenClTransfers(long uploads, long uploadedBytes, long downloads, long downloadedBytes,
                              long dispatches) {

    /** What happened between {@code before} and this. */
    public OpenClTransfers since(OpenClTransfers before) {
        return new OpenClTransfers(uploads - before.uploads, uploadedBytes - before.uploadedBytes,
                downloads - before.downloads, downloadedBytes - before.downloadedBytes,
                dispatches - before.dispatches);
    }

    @Override
    public String toString() {
        return uploads + " upload(s) (" + uploadedBytes + " bytes), " + downloads + " download(s) ("
                + downloadedBytes + " bytes), " + dispatches + " dispatch(es)";
    }
}
