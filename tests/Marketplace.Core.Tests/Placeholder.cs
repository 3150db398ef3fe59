namespace Marketplace.Core.Tests;
