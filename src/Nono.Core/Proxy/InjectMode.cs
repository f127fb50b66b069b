namespace Nono.Core.Proxy;

/// <summary>Where the real credential goes in the upstream request (the Rust nono's <c>inject_mode</c>).</summary>
public enum InjectMode
{
    /// <summary>In the header <see cref="CredentialService.InjectHeader"/>, formatted with <see cref="CredentialService.CredentialFormat"/>.</summary>
    Header,

    /// <summary>In <c>Authorization: Basic</c>; the credential is <c>user:password</c>.</summary>
    BasicAuth,

    /// <summary>In the query parameter <see cref="CredentialService.QueryParameter"/>.</summary>
    QueryParam,

    /// <summary>In the URL path, where the child put its phantom token (formatted with <see cref="CredentialService.CredentialFormat"/>).</summary>
    UrlPath,
}
