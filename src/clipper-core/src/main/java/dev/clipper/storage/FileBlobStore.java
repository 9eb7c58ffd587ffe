package dev.clipper.storage;

import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/** A {@link BlobStore} on a local directory (the embedded default). Shared directories make it multi-node. */
public final class FileBlobStore implements BlobStore {
  private final Path root;

  public FileBlobStore(Path root) {
    try {
      this.root = Files.createDirectories(root).toAbsolutePath().normalize();
    } catch (IOException e) {
      throw new ClipperException(ErrorCode.STORAGE_FAILED, "cannot create blob directory " + root, e);
    }
  }

  public Path root() {
    return root;
  }

  /** The file behind a key (it may not exist). */
  public Path pathOf(String key) {
    return root.resolve(BlobStore.checkKey(key));
  }

  @Override
  public void put(String key, Path file) {
    Path target = pathOf(key);
    try {
      Files.createDirectories(target.getParent());
      Path tmp = target.resolveSibling(".tmp-" + UUID.randomUUID() + "-" + target.getFileName());
      Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
      commit(tmp, target);
    } catch (IOException e) {
      throw new ClipperException(ErrorCode.STORAGE_FAILED, "cannot store " + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void putBytes(String key, byte[] data) {
    Path target = pathOf(key);
    try {
      Files.createDirectories(target.getParent());
      Path tmp = target.resolveSibling(".tmp-" + UUID.randomUUID() + "-" + target.getFileName());
      Files.write(tmp, data);
      commit(tmp, target);
    } catch (IOException e) {
      throw new ClipperException(ErrorCode.STORAGE_FAILED, "cannot store " + key + ": " + e.getMessage(), e);
    }
  }

  private static void commit(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public boolean exists(String key) {
    return Files.isRegularFile(pathOf(key));
  }

  @Override
  public void download(String key, Path target) {
    Path source = pathOf(key);
    try {
      Files.createDirectories(target.toAbsolutePath().getParent());
      Path tmp = target.resolveSibling(".tmp-" + UUID.randomUUID() + "-" + target.getFileName());
      Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
      commit(tmp, target);
    } catch (NoSuchFileException e) {
      throw new ClipperException(ErrorCode.SOURCE_NOT_FOUND, "no blob " + key, e);
    } catch (IOException e) {
      throw new ClipperException(ErrorCode.STORAGE_FAILED, "cannot read " + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] getBytes(String key) {
    try {
      return Files.readAllBytes(pathOf(key));
    } catch (NoSuchFileException e) {
      throw new ClipperException(ErrorCode.SOURCE_NOT_FOUND, "no blob " + key, e);
    } catch (IOException e) {
      throw new ClipperException(ErrorCode.STORAGE_FAILED, "cannot read " + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> list(String prefix) {
    if (!Files.isDirectory(root)) return List.of();
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith(".tmp-"))
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .filter(k -> k.startsWith(prefix))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new ClipperException(ErrorCode.STORAGE_FAILED, "cannot list " + prefix + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(String key) {
    try {
      Files.deleteIfExists(pathOf(key));
    } catch (IOException e) {
      throw new ClipperException(ErrorCode.STORAGE_FAILED, "cannot delete " + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public URI url(String key, Duration ttl) {
    return pathOf(key).toUri();
  }
}
