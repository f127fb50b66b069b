using System.Text.Json;

namespace Nono.Core.Policy;

internal static partial class EmbeddedProfileReader
{
    private static ProfileMeta ReadMeta(ref Utf8JsonReader r, string path) => ReadObject(ref r, path, new ProfileMeta(), static (ref Utf8JsonReader r, ProfileMeta m, string name, string path) => name switch
    {
        "name" => m with { Name = ReadString(ref r, path) },
        "description" => m with { Description = ReadString(ref r, path) },
        _ => throw Unknown(path),
    });

    private static SecuritySection ReadSecurity(ref Utf8JsonReader r, string path) => ReadObject(ref r, path, new SecuritySection(), static (ref Utf8JsonReader r, SecuritySection s, string name, string path) => name switch
    {
        "groups" => s with { Groups = ReadStrings(ref r, path) },
        _ => throw Unknown(path),
    });

    private static FilesystemSection ReadFilesystem(ref Utf8JsonReader r, string path) => ReadObject(ref r, path, new FilesystemSection(), static (ref Utf8JsonReader r, FilesystemSection f, string name, string path) => name switch
    {
        "allow" => f with { Allow = ReadStrings(ref r, path) },
        "read" => f with { Read = ReadStrings(ref r, path) },
        "write" => f with { Write = ReadStrings(ref r, path) },
        "allow_file" => f with { AllowFile = ReadStrings(ref r, path) },
        "read_file" => f with { ReadFile = ReadStrings(ref r, path) },
        "write_file" => f with { WriteFile = ReadStrings(ref r, path) },
        "deny" => f with { Deny = ReadStrings(ref r, path) },
        "deny_write" => f with { DenyWrite = ReadStrings(ref r, path) },
        _ => throw Unknown(path),
    });

    private static NetworkSection ReadNetwork(ref Utf8JsonReader r, string path) => ReadObject(ref r, path, new NetworkSection(), static (ref Utf8JsonReader r, NetworkSection n, string name, string path) => name switch
    {
        "block" => n with { Block = ReadBool(ref r, path) },
        "allow_domain" => n with { AllowDomain = ReadStrings(ref r, path) },
        "network_profile" => n with { NetworkProfile = ReadString(ref r, path) },
        "credentials" => n with { Credentials = ReadStrings(ref r, path) },
        "allow_token_minting" => n with { AllowTokenMinting = ReadStrings(ref r, path) },
        "custom_credentials" => n with { CustomCredentials = ReadMap(ref r, path, ReadCredential) },
        "resolve" => n with { Resolve = ReadStrings(ref r, path) },
        "allow_unix_sockets" => n with { AllowUnixSockets = ReadBool(ref r, path) },
        _ => throw Unknown(path),
    });

    private static CustomCredential ReadCredential(ref Utf8JsonReader r, string path) => ReadObject(ref r, path, new CustomCredential(), static (ref Utf8JsonReader r, CustomCredential c, string name, string path) => name switch
    {
        "upstream" => c with { Upstream = ReadString(ref r, path) },
        "credential_key" => c with { CredentialKey = ReadString(ref r, path) },
        "inject_mode" => c with
        {
            InjectMode = ReadString(ref r, path) switch
            {
                "header" => InjectMode.Header,
                "url_path" => InjectMode.UrlPath,
                "query_param" => InjectMode.QueryParam,
                "basic_auth" => InjectMode.BasicAuth,
                _ => throw Problem(path, "expected header, url_path, query_param or basic_auth"),
            },
        },
        "inject_header" => c with { InjectHeader = ReadString(ref r, path) },
        "credential_format" => c with { CredentialFormat = ReadString(ref r, path) },
        "env_var" => c with { EnvVar = ReadString(ref r, path) },
        _ => throw Unknown(path),
    });

    private static EnvironmentSection ReadEnvironment(ref Utf8JsonReader r, string path) => ReadObject(ref r, path, new EnvironmentSection(), static (ref Utf8JsonReader r, EnvironmentSection e, string name, string path) => name switch
    {
        "allow_vars" => e with { AllowVars = ReadStrings(ref r, path) },
        "set" => e with { Set = ReadMap(ref r, path, ReadString) },
        _ => throw Unknown(path),
    });

    private static RollbackSection ReadRollback(ref Utf8JsonReader r, string path) => ReadObject(ref r, path, new RollbackSection(), static (ref Utf8JsonReader r, RollbackSection s, string name, string path) => name switch
    {
        "enabled" => s with { Enabled = ReadBool(ref r, path) },
        "exclude_patterns" => s with { ExcludePatterns = ReadStrings(ref r, path) },
        "exclude_globs" => s with { ExcludeGlobs = ReadStrings(ref r, path) },
        "protected_paths" => s with { ProtectedPaths = ReadStrings(ref r, path) },
        _ => throw Unknown(path),
    });

    private static WorkdirSection ReadWorkdir(ref Utf8JsonReader r, string path) => ReadObject(ref r, path, new WorkdirSection(), static (ref Utf8JsonReader r, WorkdirSection w, string name, string path) => name switch
    {
        "access" => w with
        {
            Access = ReadString(ref r, path) switch
            {
                "none" => WorkdirAccess.None,
                "read" => WorkdirAccess.Read,
                "write" => WorkdirAccess.Write,
                "readwrite" => WorkdirAccess.ReadWrite,
                _ => throw Problem(path, "expected none, read, write or readwrite"),
            },
        },
        _ => throw Unknown(path),
    });
}
