using Nono.Core.Capabilities;
using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

/// <summary>What the recording filter needs to notify exactly the refusals the enforcing filter defers: the same inputs.</summary>
internal sealed record RecordedNetwork(ArchSyscalls Arch, NetworkMode Mode, bool NamespaceDatagrams);
