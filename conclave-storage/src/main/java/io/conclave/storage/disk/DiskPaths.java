package io.conclave.storage.disk;

/** Helpers for the {@code /}-separated relative paths of a {@link Disk}. */
public final class DiskPaths {

    private DiskPaths() {
    }

    /** {@code dir/name}, or {@code name} when {@code dir} is the root {@code ""}. */
    public static String join(String dir, String name) {
        if (name.isEmpty() || name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("bad file name: '" + name + "'");
        }
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    /** The directory holding {@code path}; {@code ""} for a file at the root. */
    public static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    /** The last element of {@code path}. */
    public static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Rejects absolute paths, empty elements, {@code .} and {@code ..}. */
    public static String check(String path) {
        if (path.isEmpty()) {
            return path;
        }
        if (path.startsWith("/") || path.endsWith("/")) {
            throw new IllegalArgumentException("path must be relative without a trailing '/': '" + path + "'");
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("bad path element in '" + path + "'");
            }
        }
        return path;
    }
}
