using Nono.Core.Policy;

namespace Nono.Core.Audit.Observers;

/// <summary>One observed path call, read while its caller waited: what to ask the policy once the call continued.</summary>
/// <param name="Path">Absolute, lexically normalized path (links are resolved by the policy check).</param>
/// <param name="Operation">The access to ask about.</param>
/// <param name="Access">The access as recorded (<c>read</c>, <c>write</c>, <c>readwrite</c>, <c>execute</c>).</param>
/// <param name="Creates">True when the call may create <paramref name="Path"/>: only its directory must exist.</param>
/// <param name="Pid">The calling thread.</param>
/// <param name="Syscall">The syscall's name.</param>
internal sealed record PendingAccess(string Path, FsOperation Operation, string Access, bool Creates, int Pid, string Syscall);
