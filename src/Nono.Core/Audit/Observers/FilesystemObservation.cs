namespace Nono.Core.Audit.Observers;

/// <summary>A filesystem access the sandbox denied, as one mechanism saw it.</summary>
/// <param name="Path">The path (absolute; as the mechanism reported it).</param>
/// <param name="Access">What was attempted: <c>read</c>, <c>write</c>, <c>readwrite</c>, <c>execute</c>, or Landlock's blockers.</param>
/// <param name="Pid">The process that attempted it, when known.</param>
/// <param name="Mechanism">Who saw it: <see cref="ObserverMechanisms.LandlockAudit"/> or <see cref="ObserverMechanisms.SeccompObserver"/>.</param>
/// <param name="Reason">Why it is denied (the policy rule, or the syscall), when known.</param>
/// <param name="Timestamp">When it was seen.</param>
public sealed record FilesystemObservation(string Path, string Access, int? Pid, string Mechanism, string? Reason, DateTimeOffset Timestamp);
