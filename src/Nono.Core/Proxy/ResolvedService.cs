namespace Nono.Core.Proxy;

/// <summary>A credential route with its real credential (supervisor memory only) and this session's phantom token.</summary>
internal sealed class ResolvedService
{
    public ResolvedService(CredentialService service, string realCredential, string phantomToken)
    {
        Service = service;
        RealCredential = realCredential;
        PhantomToken = phantomToken;
        Base64Echo = new Base64Echo(realCredential, phantomToken);
    }

    public CredentialService Service { get; }

    public string RealCredential { get; }

    public string PhantomToken { get; }

    /// <summary>Finds and masks the real credential inside base64 text (response heads).</summary>
    public Base64Echo Base64Echo { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Service.Name} (credential redacted)";
}
