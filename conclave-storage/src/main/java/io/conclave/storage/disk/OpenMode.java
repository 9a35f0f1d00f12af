package io.conclave.storage.disk;

/** How {@link Disk#open} treats a file that exists or does not. Every handle is readable. */
public enum OpenMode {
    /** Read only; the file must exist. */
    READ,
    /** Read and write; the file must exist. */
    READ_WRITE,
    /** Read and write; the file is created empty when missing. */
    CREATE,
    /** Read and write; the file must not exist and is created empty. */
    CREATE_NEW;

    public boolean writable() {
        return this != READ;
    }

    public boolean creates() {
        return this == CREATE || this == CREATE_NEW;
    }
}
