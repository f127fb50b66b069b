namespace Nono.Testing;

/// <summary>Who a test runs the sandbox as. Hosted runners are not root, and root hides bugs, so sandbox tests run as both.</summary>
public enum TestUser
{
    /// <summary>The test host's own user (root in CI).</summary>
    Current,

    /// <summary>uid/gid 65534 with no supplementary groups, through <c>setpriv</c>.</summary>
    Nobody,
}
