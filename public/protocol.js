// Shows which protocol delivered the page (h3, h2, http/1.1): the Navigation Timing entry knows.
const nav = performance.getEntriesByType('navigation')[0];
const proto = (nav && nav.nextHopProtocol) || 'unknown';
document.getElementById('protocol').textContent = proto;
document.documentElement.dataset.protocol = proto;
