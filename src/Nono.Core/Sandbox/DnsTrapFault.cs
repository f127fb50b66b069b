namespace Nono.Core.Sandbox;

/// <summary>
/// A test knob for the namespace's DNS trap (<see cref="LaunchSpec.DnsTrapFault"/>): makes one of its steps fail in the
/// kernel, to exercise the "trap unavailable" branch on a host where every step works. The trap only records, so a
/// fault weakens nothing but the record, and the run reports it.
/// </summary>
public enum DnsTrapFault
{
    /// <summary>The trap is set up normally.</summary>
    None,

    /// <summary>The local route names an interface that does not exist (ENODEV).</summary>
    Route,

    /// <summary>The port-53 addresses have the wrong family (EAFNOSUPPORT/EINVAL at bind).</summary>
    Bind,
}
