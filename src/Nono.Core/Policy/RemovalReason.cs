using System.Text.Json.Serialization;

namespace Nono.Core.Policy;

/// <summary>Why the sanitizer removed an environment variable.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RemovalReason>))]
public enum RemovalReason
{
    /// <summary>Dynamic loader or libc hook (<c>LD_*</c>, <c>GCONV_PATH</c>, ...).</summary>
    [JsonStringEnumMemberName("loader_hook")]
    LoaderHook,

    /// <summary>Shell start-up hook (<c>BASH_ENV</c>, <c>BASH_FUNC_*</c>, <c>PROMPT_COMMAND</c>, ...).</summary>
    [JsonStringEnumMemberName("shell_hook")]
    ShellHook,

    /// <summary>Interpreter or tool hook (<c>PYTHONPATH</c>, <c>NODE_OPTIONS</c>, <c>JAVA_TOOL_OPTIONS</c>, <c>GIT_SSH_COMMAND</c>, ...).</summary>
    [JsonStringEnumMemberName("interpreter_hook")]
    InterpreterHook,

    /// <summary>A CI credential or runner service endpoint (<c>GITHUB_TOKEN</c>, <c>ACTIONS_RUNTIME_TOKEN</c>, ...).</summary>
    [JsonStringEnumMemberName("ci_credential")]
    CiCredential,

    /// <summary>A name that looks like a secret (<c>*_TOKEN</c>, <c>*_PASSWORD</c>, <c>*_API_KEY</c>, ...) or a credential agent socket.</summary>
    [JsonStringEnumMemberName("secret_name")]
    SecretName,
}
