// What each service's user may publish and subscribe to in the PLATFORM account.
export function servicePermissions(service) {
  void service;
  return {
    pub: { allow: ['gov.>', '$JS.API.>', '$JS.ACK.>', '$SRV.>', '_INBOX.>'] },
    sub: { allow: ['gov.>', '$JS.API.>', '$SRV.>', '_INBOX.>'] },
    // Answers to requests, on whatever reply subject the server gave them (a department's come as _R_.…), once each.
    resp: { max: 1, ttl: 0 },
  };
}
