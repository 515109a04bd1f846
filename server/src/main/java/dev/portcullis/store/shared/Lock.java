package dev.portcullis.store.shared;

/**
 * A held lease on a lock key. Closing it releases the lock only if this holder still owns it: a
 * lease that ran out may already belong to someone else, and releasing theirs would let a third
 * party in beside them. Closing twice, or after the lease expired, does nothing.
 */
@FunctionalInterface
public interface Lock extends AutoCloseable {
    @Override
    void close();
}
