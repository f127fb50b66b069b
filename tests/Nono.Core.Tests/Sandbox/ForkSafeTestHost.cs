using System.Runtime.CompilerServices;
using Nono.Core.Sandbox;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// The launcher forks the test host, which runs under the JIT; that is only safe with W^X off
/// (see <see cref="ForkSafety"/>). The host re-executes itself once, same pid and arguments, before any test runs.
/// </summary>
internal static class ForkSafeTestHost
{
#pragma warning disable CA2255 // A module initializer is the only hook that runs before the test platform starts.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => ForkSafety.ReexecIfNeeded();
}
