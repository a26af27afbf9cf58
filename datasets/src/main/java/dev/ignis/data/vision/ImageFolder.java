package dev.ignis.data.vision;

import dev.ignis.data.Dataset;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * torchvision's ImageFolder on any Hadoop path (file://, hdfs://, s3a://): classes are the
 * sub-folders of {@code root} sorted by code point, {@code classToIdx} follows that order, files are
 * found recursively and sorted within each class, and either an extension list (lower-cased match)
 * or an {@code isValidFile} predicate selects them. Samples are (transform(image), class index).
 *
 * <p>A file that cannot be decoded raises an error naming its full path and class folder, unless
 * {@code skipBadFiles} is set: then it is skipped (the next readable file of the listing is returned
 * in its place) and counted in {@link #badFiles()}.
 */
public final class ImageFolder implements Dataset<Object[]> {
    /**
     * torchvision's IMG_EXTENSIONS that Ignis decodes (javax.imageio, and its own PNG and Netpbm
     * readers), plus GIF; WebP is left out: no decoder for it ships with the JDK, and a listed file
     * that cannot be read would only fail later.
     */
    public static final Set<String> IMG_EXTENSIONS =
            Set.of(".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".gif");

    /** One file and its class index. */
    public record Sample(String path, int target) {
    }

    private final String root;
    private final List<String> classes;
    private final Map<String, Integer> classToIdx;
    private final List<Sample> samples;
    private final Function<Image, Object> transform;
    private final String mode;
    private final boolean skipBadFiles;
    private final AtomicLong badFiles = new AtomicLong();
    /** Per sample: −1 while not known to be bad, else a later sample to try instead (skipBadFiles). */
    private final AtomicIntegerArray nextAfterBad;
    /** Resolved once: FileSystem.get goes through Hadoop's user lookup, which serialises threads. */
    private final FileSystem fileSystem;
    /** The samples' files as the file system lists them (names with any characters, never re-parsed). */
    private final List<Path> files;
    /** The samples' files as local paths when the file system is the local one (else null). */
    private final java.nio.file.Path[] localFiles;

    /** Options with torchvision's defaults (extensions = IMG_EXTENSIONS, RGB, no transform). */
    public static final class Options {
        Set<String> extensions = IMG_EXTENSIONS;
        Predicate<String> isValidFile;
        boolean allowEmpty;
        Function<Image, Object> transform = img -> img;
        String mode = "RGB";
        boolean skipBadFiles;
        Configuration conf = new Configuration();

        public Options extensions(Set<String> v) {
            extensions = v;
            return this;
        }

        public Options isValidFile(Predicate<String> v) {
            isValidFile = v;
            return this;
        }

        public Options allowEmpty(boolean v) {
            allowEmpty = v;
            return this;
        }

        @SuppressWarnings("unchecked")
        public Options transform(Function<Image, ?> v) {
            transform = (Function<Image, Object>) v;
            return this;
        }

        /** "RGB" (default) or "L". */
        public Options mode(String v) {
            mode = v;
            return this;
        }

        public Options skipBadFiles(boolean v) {
            skipBadFiles = v;
            return this;
        }

        public Options conf(Configuration v) {
            conf = v;
            return this;
        }
    }

    public ImageFolder(String root, Options o) {
        if (o.isValidFile != null && o.extensions != null && o.extensions != IMG_EXTENSIONS) {
            throw new IllegalArgumentException("Both extensions and is_valid_file cannot be passed at the same time");
        }
        this.root = root;
        this.transform = o.transform;
        this.mode = o.mode;
        this.skipBadFiles = o.skipBadFiles;
        Predicate<String> valid = o.isValidFile != null ? o.isValidFile : name -> hasExtension(name, o.extensions);
        try {
            Path rootPath = new Path(root);
            FileSystem fs = rootPath.getFileSystem(o.conf);
            this.fileSystem = fs;
            List<String> names = findClasses(fs, rootPath, root);
            this.classes = names;
            Map<String, Integer> idx = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                idx.put(names.get(i), i);
            }
            this.classToIdx = Collections.unmodifiableMap(idx);
            List<Sample> found = new ArrayList<>();
            List<Path> foundFiles = new ArrayList<>();
            List<String> emptyClasses = new ArrayList<>();
            for (String cls : names) {
                List<Path> files = new ArrayList<>();
                collect(fs, new Path(rootPath, cls), valid, files);
                files.sort(java.util.Comparator.comparing(Path::toString));
                if (files.isEmpty()) {
                    emptyClasses.add(cls);
                }
                for (Path f : files) {
                    found.add(new Sample(f.toString(), idx.get(cls)));
                    foundFiles.add(f);
                }
            }
            if (!emptyClasses.isEmpty() && !o.allowEmpty) {
                throw new FileNotFoundException("Found no valid file for the classes " + String.join(", ", emptyClasses)
                        + " in " + root + ". Supported extensions are: " + String.join(", ",
                        new java.util.TreeSet<>(o.extensions == null ? Set.of() : o.extensions)));
            }
            this.samples = List.copyOf(found);
            this.nextAfterBad = new AtomicIntegerArray(found.size());
            for (int i = 0; i < found.size(); i++) {
                nextAfterBad.set(i, -1);
            }
            this.files = List.copyOf(foundFiles);
            this.localFiles = fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem
                    ? files.stream().map(f -> Paths.get(Path.getPathWithoutSchemeAndAuthority(f).toString()))
                            .toArray(java.nio.file.Path[]::new)
                    : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * The class folders directly under {@code root}, sorted by code point as torchvision does; their
     * positions are the class indices.
     *
     * @throws UncheckedIOException (FileNotFoundException) when root does not exist or has no sub-folder
     */
    public static List<String> findClasses(String root, Configuration conf) {
        try {
            Path rootPath = new Path(root);
            return findClasses(rootPath.getFileSystem(conf), rootPath, root);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private static List<String> findClasses(FileSystem fs, Path rootPath, String root) throws IOException {
        if (!fs.exists(rootPath)) {
            throw new FileNotFoundException("Couldn't find any class folder in " + root + " (it does not exist)");
        }
        List<String> names = new ArrayList<>();
        for (FileStatus st : fs.listStatus(rootPath)) {
            if (st.isDirectory()) {
                names.add(st.getPath().getName());
            }
        }
        Collections.sort(names);
        if (names.isEmpty()) {
            throw new FileNotFoundException("Couldn't find any class folder in " + root + ".");
        }
        return List.copyOf(names);
    }

    private static boolean hasExtension(String name, Set<String> extensions) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String ext : extensions) {
            if (lower.endsWith(ext)) {
                return true;
            }
        }
        return false;
    }

    private static void collect(FileSystem fs, Path dir, Predicate<String> valid, List<Path> out) throws IOException {
        for (FileStatus st : fs.listStatus(dir)) {
            if (st.isDirectory()) {
                collect(fs, st.getPath(), valid, out);
            } else if (valid.test(st.getPath().toString())) {
                out.add(st.getPath());
            }
        }
    }

    public List<String> classes() {
        return classes;
    }

    public Map<String, Integer> classToIdx() {
        return classToIdx;
    }

    public List<Sample> samples() {
        return samples;
    }

    public List<Integer> targets() {
        return samples.stream().map(Sample::target).toList();
    }

    /** Files skipped because they could not be decoded (with skipBadFiles). */
    public long badFiles() {
        return badFiles.get();
    }

    @Override
    public long size() {
        return samples.size();
    }

    /**
     * {transform(image), class index (a Long, which default collate turns into an int64 tensor)}.
     * With skipBadFiles, a file that does not decode is remembered and counted once, and this and
     * every later call take the next good file after it (a chain of bad files is jumped in one
     * step once known, so a pass over the dataset decodes each file at most once). A failure to
     * read a file (an I/O error: a vanished file, an unreachable datanode) or an exception from the
     * transform is never a bad file: it propagates, naming the path.
     */
    @Override
    public Object[] get(long index) {
        int n = samples.size();
        if (index < 0 || index >= n) {
            throw new IndexOutOfBoundsException("index " + index + " is out of range for " + n + " images in " + root);
        }
        int at = skipKnownBad((int) (index % n));
        for (int tried = 0; tried < n; tried++) {
            Sample s = samples.get(at);
            String where = s.path() + " (class folder '" + classes.get(s.target()) + "')";
            byte[] bytes;
            try {
                bytes = read(at);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + where + ": " + e.getMessage(), e);
            }
            Image img;
            try {
                img = ImageDecoder.decode(bytes, mode);
            } catch (IOException | RuntimeException e) {
                if (!skipBadFiles) {
                    throw new IllegalStateException("cannot read image " + where + ": " + e.getMessage(), e);
                }
                if (nextAfterBad.compareAndSet(at, -1, (at + 1) % n)) {
                    badFiles.incrementAndGet();
                }
                at = skipKnownBad((at + 1) % n);
                continue;
            }
            try {
                return new Object[] {transform.apply(img), (long) s.target()};
            } catch (RuntimeException e) {
                throw new IllegalStateException("the transform failed on " + where + ": " + e.getMessage(), e);
            }
        }
        throw new IllegalStateException("no readable image in " + root);
    }

    /**
     * The first sample from {@code at} on that is not known to be bad, shortening the chains it
     * walks (path halving), so known bad files cost amortised constant time.
     */
    private int skipKnownBad(int at) {
        int i = at;
        for (int steps = 0; steps <= samples.size(); steps++) {
            int next = nextAfterBad.get(i);
            if (next < 0) {
                return i;
            }
            int nextNext = nextAfterBad.get(next);
            if (nextNext >= 0) {
                nextAfterBad.compareAndSet(i, next, nextNext);
            }
            i = next;
        }
        return i;   // every file is bad: the caller's loop ends with "no readable image"
    }

    /** The file's bytes: the whole file, read once. */
    private byte[] read(int sample) throws IOException {
        if (localFiles != null) {
            // open, read, close instead of the half-dozen stat calls Hadoop's local stream makes; the
            // listing holds regular files only
            return LocalFileReader.readAll(localFiles[sample], true);
        }
        try (InputStream in = fileSystem.open(files.get(sample))) {
            return in.readAllBytes();
        }
    }
}
