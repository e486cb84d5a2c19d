using System.Security.Cryptography;
using DownstreamNotifier;
using DownstreamNotifier.Links;
using Microsoft.Extensions.Options;

namespace DownstreamNotifier.Tests;

public sealed class LinkTokenTests
{
    private readonly NoticeLinks links = new(Options.Create(new NotifierOptions
    {
        PublicBaseUrl = "http://notifier.test",
        LinkKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
    }));

    [Fact]
    public void A_token_is_taken_only_as_it_was_written()
    {
        var caseId = Guid.NewGuid();
        var contactId = Guid.NewGuid();
        // Tokens until one has both URL-safe characters, so each can be written the other base64 way.
        var token = "";
        for (var i = 0; !(token.Contains('-') && token.Contains('_')); i++) token = links.Token(caseId, contactId, DateTimeOffset.UtcNow.AddDays(30 + i));

        var check = links.Check(token);
        Assert.True(check.Valid);
        Assert.Equal((caseId, contactId), (check.CaseId, check.ContactId));
        foreach (var variant in new[] { token.Replace('-', '+'), token.Replace('_', '/'), token[..8] + " " + token[8..], token + "\n", token + "=" })
            Assert.False(links.Check(variant).Valid, variant);
    }
}
