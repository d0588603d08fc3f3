package dev.imagecatalog.catalog.index;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The index on disk ({@code index.snapshot.path}) in the {@link IndexFormat}: written to a temporary file beside it,
 * forced to the device and moved over the old one atomically, so a crash mid-write leaves the previous snapshot;
 * read whole and verified, and ignored with a log line when it is missing, corrupt, truncated or of another version.
 */
public final class SnapshotFile {

    private static final Logger LOGGER = Logger.getLogger(SnapshotFile.class.getName());

    private final Path path;
    private final long maxBytes;

    /**
     * @param path     the snapshot file
     * @param maxBytes largest file read
     */
    public SnapshotFile(Path path, long maxBytes) {
        this.path = path;
        this.maxBytes = maxBytes;
    }

    /** Writes the index atomically; returns the bytes written. */
    public long write(RegistryIndex index) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temporary = Files.createTempFile(dir, path.getFileName().toString(), ".partial");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 256 * 1024);
                IndexFormat.write(index, out);
                out.flush();
                channel.force(true);
            }
            long size = Files.size(temporary);
            Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return size;
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** The verified snapshot, or empty (logged) when there is none or it cannot be used. */
    public Optional<IndexFormat.Loaded> read() {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 256 * 1024)) {
            return Optional.of(IndexFormat.read(in, maxBytes));
        } catch (NoSuchFileException e) {
            LOGGER.info(() -> "No index snapshot at " + path + " yet");
        } catch (IndexFormat.Invalid e) {
            LOGGER.warning(() -> "Ignoring the index snapshot " + path + ": " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOGGER.warning(() -> "Cannot read the index snapshot " + path + ": " + e.getMessage());
        }
        return Optional.empty();
    }

    /** The file. */
    public Path path() {
        return path;
    }
}
