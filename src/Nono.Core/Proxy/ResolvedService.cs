namespace Nono.Core.Proxy;

/// <summary>A credential route with its real credential (supervisor memory only) and this session's phantom token.</summary>
internal sealed class ResolvedService
{
    public ResolvedService(CredentialService service, string realCredential, string phantomToken)
    {
        Service = service;
        RealCredential = realCredential;
        PhantomToken = phantomToken;
    }

    public CredentialService Service { get; }

    public string RealCredential { get; }

    public string PhantomToken { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Service.Name} (credential redacted)";
}
