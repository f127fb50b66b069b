using Nono.Core.Policy;

namespace Nono.Core.Tests.Policy;

public sealed class EnvironmentSanitizerTests
{
    [Theory]
    [InlineData("LD_PRELOAD", RemovalReason.LoaderHook)]
    [InlineData("LD_LIBRARY_PATH", RemovalReason.LoaderHook)]
    [InlineData("GCONV_PATH", RemovalReason.LoaderHook)]
    [InlineData("BASH_ENV", RemovalReason.ShellHook)]
    [InlineData("ENV", RemovalReason.ShellHook)]
    [InlineData("BASH_FUNC_ls%%", RemovalReason.ShellHook)]
    [InlineData("PROMPT_COMMAND", RemovalReason.ShellHook)]
    [InlineData("PYTHONSTARTUP", RemovalReason.InterpreterHook)]
    [InlineData("PYTHONPATH", RemovalReason.InterpreterHook)]
    [InlineData("PYTHONHOME", RemovalReason.InterpreterHook)]
    [InlineData("NODE_OPTIONS", RemovalReason.InterpreterHook)]
    [InlineData("PERL5OPT", RemovalReason.InterpreterHook)]
    [InlineData("RUBYOPT", RemovalReason.InterpreterHook)]
    [InlineData("JAVA_TOOL_OPTIONS", RemovalReason.InterpreterHook)]
    [InlineData("_JAVA_OPTIONS", RemovalReason.InterpreterHook)]
    [InlineData("JDK_JAVA_OPTIONS", RemovalReason.InterpreterHook)]
    [InlineData("DOTNET_STARTUP_HOOKS", RemovalReason.InterpreterHook)]
    [InlineData("CORECLR_PROFILER_PATH", RemovalReason.InterpreterHook)]
    [InlineData("GIT_SSH_COMMAND", RemovalReason.InterpreterHook)]
    [InlineData("GIT_CONFIG_KEY_0", RemovalReason.InterpreterHook)]
    [InlineData("GITHUB_TOKEN", RemovalReason.CiCredential)]
    [InlineData("GH_TOKEN", RemovalReason.CiCredential)]
    [InlineData("ACTIONS_RUNTIME_TOKEN", RemovalReason.CiCredential)]
    [InlineData("ACTIONS_ID_TOKEN_REQUEST_TOKEN", RemovalReason.CiCredential)]
    [InlineData("ACTIONS_ID_TOKEN_REQUEST_URL", RemovalReason.CiCredential)]
    [InlineData("ACTIONS_CACHE_URL", RemovalReason.CiCredential)]
    [InlineData("ACTIONS_RESULTS_URL", RemovalReason.CiCredential)]
    [InlineData("ACTIONS_RUNTIME_URL", RemovalReason.CiCredential)]
    [InlineData("AWS_ACCESS_KEY_ID", RemovalReason.SecretName)]
    [InlineData("AWS_SECRET_ACCESS_KEY", RemovalReason.SecretName)]
    [InlineData("AWS_SESSION_TOKEN", RemovalReason.SecretName)]
    [InlineData("AZURE_CLIENT_SECRET", RemovalReason.SecretName)]
    [InlineData("GOOGLE_APPLICATION_CREDENTIALS", RemovalReason.SecretName)]
    [InlineData("NPM_TOKEN", RemovalReason.SecretName)]
    [InlineData("ANTHROPIC_API_KEY", RemovalReason.SecretName)]
    [InlineData("OPENAI_APIKEY", RemovalReason.SecretName)]
    [InlineData("DB_PASSWORD", RemovalReason.SecretName)]
    [InlineData("SMTP_PASSWD", RemovalReason.SecretName)]
    [InlineData("MY_SECRET", RemovalReason.SecretName)]
    [InlineData("MY_SECRET_VALUE", RemovalReason.SecretName)]
    [InlineData("SIGNING_PRIVATE_KEY", RemovalReason.SecretName)]
    [InlineData("NONO_SIGNING_KEY", RemovalReason.SecretName)]
    [InlineData("COSIGN_SIGNING_KEY_PEM", RemovalReason.SecretName)]
    [InlineData("SIGNING_KEY", RemovalReason.SecretName)]
    [InlineData("PRIVATE_KEY", RemovalReason.SecretName)]
    [InlineData("DEPLOY_PRIVATE_KEY_B64", RemovalReason.SecretName)]
    [InlineData("SSH_PRIVKEY", RemovalReason.SecretName)]
    [InlineData("my_lowercase_token", RemovalReason.SecretName)]
    [InlineData("SSH_AUTH_SOCK", RemovalReason.SecretName)]
    public void Classify_HooksAndSecrets_AreStripped(string name, RemovalReason reason)
    {
        Assert.Equal(reason, EnvironmentSanitizer.Classify(name));
    }

    [Theory]
    [InlineData("PATH")]
    [InlineData("HOME")]
    [InlineData("LANG")]
    [InlineData("TERM")]
    [InlineData("GITHUB_WORKSPACE")]
    [InlineData("GITHUB_REPOSITORY")]
    [InlineData("RUNNER_TEMP")]
    [InlineData("CI")]
    [InlineData("TOKENIZER_PARALLELISM")]
    [InlineData("PASSWORD_STORE_DIR")]
    [InlineData("NODE_ENV")]
    [InlineData("SIGNING_KEY_ID")]
    [InlineData("GPG_SIGNING_KEYRING_DIR")]
    public void Classify_OrdinaryVariables_AreKept(string name)
    {
        Assert.Null(EnvironmentSanitizer.Classify(name));
    }

    [Fact]
    public void Sanitize_RemovesWithReasonsAndNeverReportsValues()
    {
        string secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        Dictionary<string, string> env = new() { ["PATH"] = "/usr/bin", ["GITHUB_TOKEN"] = secret, ["LD_PRELOAD"] = "/tmp/evil.so" };

        SanitizedEnvironment result = EnvironmentSanitizer.Sanitize(env, new EnvironmentSection());

        Assert.Equal(new Dictionary<string, string> { ["PATH"] = "/usr/bin" }, result.Environment);
        Assert.Equal([new RemovedVariable("GITHUB_TOKEN", RemovalReason.CiCredential), new RemovedVariable("LD_PRELOAD", RemovalReason.LoaderHook)], result.Removed);
        Assert.DoesNotContain(secret, string.Join(" ", result.Removed), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MY_API_KEY", "MY_API_KEY", true)]
    [InlineData("MY_API_KEY", "MY_*", true)]
    [InlineData("LD_PRELOAD", "LD_PRELOAD", true)]
    [InlineData("LD_PRELOAD", "*", false)]
    [InlineData("LD_PRELOAD", "LD_*", false)]
    [InlineData("GITHUB_TOKEN", "*_TOKEN", false)]
    [InlineData("GITHUB_TOKEN", "GITHUB_TOKEN", true)]
    [InlineData("MY_API_KEY", "OTHER_*", false)]
    public void Sanitize_AllowVars_ExactNamesBringAnythingBackGlobsOnlySecretNames(string name, string allow, bool kept)
    {
        Dictionary<string, string> env = new() { [name] = "v" };

        SanitizedEnvironment result = EnvironmentSanitizer.Sanitize(env, new EnvironmentSection { AllowVars = [allow] });

        Assert.Equal(kept, result.Environment.ContainsKey(name));
        Assert.Equal(!kept, result.Removed.Any(r => r.Name == name));
    }

    [Theory]
    [InlineData("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN")]
    [InlineData("ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL")]
    [InlineData("SIGSTORE_ID_TOKEN", "SIGSTORE_ID_TOKEN")]
    [InlineData("SIGSTORE_ID_TOKEN", "SIGSTORE_*")]
    [InlineData("SIGSTORE_ID_TOKEN", "*_TOKEN")]
    public void Sanitize_AllowVars_NeverBringBackOidcMintingVariables(string name, string allow)
    {
        Dictionary<string, string> env = new() { [name] = "v", ["KEEP_TOKEN"] = "k" };

        SanitizedEnvironment result = EnvironmentSanitizer.Sanitize(env, new EnvironmentSection { AllowVars = [allow, "KEEP_TOKEN"] });

        Assert.False(result.Environment.ContainsKey(name));
        Assert.Contains(result.Removed, r => r.Name == name && r.Reason == RemovalReason.CiCredential);
        Assert.Equal("k", result.Environment["KEEP_TOKEN"]);
    }

    [Fact]
    public void Sanitize_Set_OverridesAndAdds()
    {
        Dictionary<string, string> env = new() { ["LANG"] = "C", ["NPM_TOKEN"] = "x" };

        SanitizedEnvironment result = EnvironmentSanitizer.Sanitize(env, new EnvironmentSection
        {
            Set = new Dictionary<string, string> { ["LANG"] = "C.UTF-8", ["NONO_SANDBOXED"] = "1" },
        });

        Assert.Equal("C.UTF-8", result.Environment["LANG"]);
        Assert.Equal("1", result.Environment["NONO_SANDBOXED"]);
        Assert.False(result.Environment.ContainsKey("NPM_TOKEN"));
    }
}
