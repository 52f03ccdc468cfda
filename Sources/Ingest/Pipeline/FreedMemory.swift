import CPrefetch

/// Gives memory the process has freed back to the system. Between phases whose peaks should not add up (detection,
/// then a report of what it stored): glibc keeps freed memory for the process otherwise, and a night of 1.45 M
/// findings held 740 MB of detection's through its report.
package func releaseFreedMemory() {
    netbar_release_freed_memory()
}
