using Disclosure;
using Coordination.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(DisclosureExtensions.Service, DisclosureExtensions.ConfigureBus);
builder.AddDisclosure();

var app = builder.BuildService();
app.MapDefaultEndpoints();
app.MapDisclosureApis();

return await app.RunServiceAsync();
