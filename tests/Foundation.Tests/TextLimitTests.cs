using Coordination.Hosting.Validation;

namespace Foundation.Tests;

public sealed class TextLimitTests
{
    [Theory]
    [InlineData("abc", 5, "abc")]
    [InlineData("abcdef", 3, "abc")]
    [InlineData("ab\U0001F600", 3, "ab")] // no half of the surrogate pair
    [InlineData("abc", 0, "")] // a limit used up by a suffix (EmailReport's note) leaves nothing, not an exception
    [InlineData("abc", -2, "")]
    [InlineData("", 0, "")]
    public void Cut_keeps_at_most_max_units_and_never_half_a_pair(string text, int max, string expected) =>
        Assert.Equal(expected, TextLimit.Cut(text, max));
}
