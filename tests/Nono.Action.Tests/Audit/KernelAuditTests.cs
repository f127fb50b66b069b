namespace Nono.Action.Tests.Audit;

/// <summary>
/// Tests that turn the host's kernel audit on run alone: while it is on, every root run in other tests would also get
/// Landlock audit records and so violations those tests do not expect.
/// </summary>
[CollectionDefinition(nameof(KernelAuditTests), DisableParallelization = true)]
public sealed class KernelAuditTests;
