package io.conclave.partition.controller;

/** Why a metadata request was refused; each comes with a message naming what was wrong. */
public enum ErrorCode {
    /** Accepted. */
    NONE,
    /** The topic name breaks the naming rules. */
    INVALID_TOPIC_NAME,
    /** A topic of that name exists. */
    TOPIC_EXISTS,
    /** No topic of that name. */
    UNKNOWN_TOPIC,
    /** The partition count is out of range. */
    INVALID_PARTITIONS,
    /** The replication factor is out of range or exceeds the live nodes. */
    INVALID_REPLICATION_FACTOR,
    /** A configuration key is unknown or its value invalid. */
    INVALID_CONFIG,
    /** A conditional change found a value other than the one it expected (someone changed it first). */
    CONFIG_MISMATCH,
    /** The node registration is malformed or stale. */
    INVALID_NODE
}
