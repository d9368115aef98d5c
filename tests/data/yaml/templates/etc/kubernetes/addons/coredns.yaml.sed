apiVersion: v1
kind: ConfigMap
metadata:
  name: coredns
  namespace: kube-system
data:
  Corefile: |
    .:53 {
        kubernetes $DNS_DOMAIN in-addr.arpa ip6.arpa
        forward . /etc/resolv.conf
    }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: coredns
  namespace: kube-system
spec:
  template:
    spec:
      containers:
      - name: coredns
        image: registry.k8s.io/coredns/coredns:v1.11.1
        resources:
          limits:
            memory: $DNS_MEMORY_LIMIT
        args: [ "-conf", "/etc/coredns/Corefile" ]
