using Nono.Core.Capabilities;
using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

/// <summary>
/// What the recording filter needs to notify exactly the refusals the enforcing filter defers: the same inputs.
/// <paramref name="ConnectPorts"/> (the <c>landlock-tcp</c> tier only: the ports Landlock lets TCP connect to) also sends
/// every <c>connect(2)</c> to the supervisor, which refuses and records those Landlock would refuse and continues the rest;
/// null: connects are not notified. <paramref name="GuardListens"/> (the same tier) sends every <c>listen(2)</c> there too.
/// </summary>
internal sealed record RecordedNetwork(ArchSyscalls Arch, NetworkMode Mode, bool NamespaceDatagrams, IReadOnlyList<int>? ConnectPorts = null, bool GuardListens = false);
