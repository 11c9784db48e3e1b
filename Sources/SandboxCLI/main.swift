import NIOCore
import NIOPosix

// Swift concurrency runs its jobs on NIO's event loops, the threads that already do every server's and
// client's I/O. Otherwise each request hops between the concurrency pool and an event loop several times
// (a security server relays through three connections), and those thread switches, not the work, become
// the cost. Must happen on the main thread before any task starts, hence this file rather than `@main`.
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
await Sandbox.launch()
